from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.totp_enrollment import TotpEnrollment
from ...models.totp_enrollment_request import TotpEnrollmentRequest
from ...types import Response


def _get_kwargs(
    *,
    body: TotpEnrollmentRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/mfa/totp",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TotpEnrollment | None:
    if response.status_code == 201:
        response_201 = TotpEnrollment.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 408:
        response_408 = Problem.from_dict(response.json())

        return response_408

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | TotpEnrollment]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TotpEnrollmentRequest,
) -> Response[Problem | TotpEnrollment]:
    """Enroll a TOTP second factor for a local account.

     With the account's e-mail and password (checked, limited and audited as sign-ins are):
    answers a new secret, its `otpauth://` URI and ten recovery codes, shown once. The factor
    counts once a sign-in (`POST /auth/login` with `otp`) used a code of it; until then another
    enrollment replaces it. An account whose factor is confirmed gets 409 (an administrator can
    reset it). Audited as `auth.mfa.enroll`. The body is at most 4 KiB.

    Args:
        body (TotpEnrollmentRequest): A local account's request to enroll a TOTP second factor.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TotpEnrollment]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: TotpEnrollmentRequest,
) -> Problem | TotpEnrollment | None:
    """Enroll a TOTP second factor for a local account.

     With the account's e-mail and password (checked, limited and audited as sign-ins are):
    answers a new secret, its `otpauth://` URI and ten recovery codes, shown once. The factor
    counts once a sign-in (`POST /auth/login` with `otp`) used a code of it; until then another
    enrollment replaces it. An account whose factor is confirmed gets 409 (an administrator can
    reset it). Audited as `auth.mfa.enroll`. The body is at most 4 KiB.

    Args:
        body (TotpEnrollmentRequest): A local account's request to enroll a TOTP second factor.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TotpEnrollment
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TotpEnrollmentRequest,
) -> Response[Problem | TotpEnrollment]:
    """Enroll a TOTP second factor for a local account.

     With the account's e-mail and password (checked, limited and audited as sign-ins are):
    answers a new secret, its `otpauth://` URI and ten recovery codes, shown once. The factor
    counts once a sign-in (`POST /auth/login` with `otp`) used a code of it; until then another
    enrollment replaces it. An account whose factor is confirmed gets 409 (an administrator can
    reset it). Audited as `auth.mfa.enroll`. The body is at most 4 KiB.

    Args:
        body (TotpEnrollmentRequest): A local account's request to enroll a TOTP second factor.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TotpEnrollment]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TotpEnrollmentRequest,
) -> Problem | TotpEnrollment | None:
    """Enroll a TOTP second factor for a local account.

     With the account's e-mail and password (checked, limited and audited as sign-ins are):
    answers a new secret, its `otpauth://` URI and ten recovery codes, shown once. The factor
    counts once a sign-in (`POST /auth/login` with `otp`) used a code of it; until then another
    enrollment replaces it. An account whose factor is confirmed gets 409 (an administrator can
    reset it). Audited as `auth.mfa.enroll`. The body is at most 4 KiB.

    Args:
        body (TotpEnrollmentRequest): A local account's request to enroll a TOTP second factor.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TotpEnrollment
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
