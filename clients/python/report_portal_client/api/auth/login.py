from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.access_token import AccessToken
from ...models.login_request import LoginRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: LoginRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/login",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AccessToken | Problem | None:
    if response.status_code == 200:
        response_200 = AccessToken.from_dict(response.json())

        return response_200

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
) -> Response[AccessToken | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: LoginRequest,
) -> Response[AccessToken | Problem]:
    """Sign in as a staff member.

     Answers the same token shape as `/auth/token`, with the role as a claim, and a
    `refresh_token` (see `/auth/token`). An account with a TOTP factor also sends `otp` (a code
    is accepted once, in its 30-second step or one either side) or a `recovery_code`; a first
    good code confirms a factor just enrolled. With `staff_mfa` `required`, an account without a
    factor gets 403 until it enrolls one (`POST /auth/mfa/totp`). With OpenID Connect on,
    password sign-in is off (403) except for the break-glass accounts. A wrong e-mail and a
    wrong password answer the same and take the same time. After 5 failures within 15 minutes on
    one e-mail address (known or not) from one client address, or 20 on it from all addresses
    together, each further failure doubles the wait (from 1 s up to 15 minutes) during which
    sign-ins to that account (from that address, or from all) answer 429 with `Retry-After`,
    without a password check. The body is at most 4 KiB.

    Args:
        body (LoginRequest): A staff member's sign-in.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessToken | Problem]
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
    body: LoginRequest,
) -> AccessToken | Problem | None:
    """Sign in as a staff member.

     Answers the same token shape as `/auth/token`, with the role as a claim, and a
    `refresh_token` (see `/auth/token`). An account with a TOTP factor also sends `otp` (a code
    is accepted once, in its 30-second step or one either side) or a `recovery_code`; a first
    good code confirms a factor just enrolled. With `staff_mfa` `required`, an account without a
    factor gets 403 until it enrolls one (`POST /auth/mfa/totp`). With OpenID Connect on,
    password sign-in is off (403) except for the break-glass accounts. A wrong e-mail and a
    wrong password answer the same and take the same time. After 5 failures within 15 minutes on
    one e-mail address (known or not) from one client address, or 20 on it from all addresses
    together, each further failure doubles the wait (from 1 s up to 15 minutes) during which
    sign-ins to that account (from that address, or from all) answer 429 with `Retry-After`,
    without a password check. The body is at most 4 KiB.

    Args:
        body (LoginRequest): A staff member's sign-in.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessToken | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: LoginRequest,
) -> Response[AccessToken | Problem]:
    """Sign in as a staff member.

     Answers the same token shape as `/auth/token`, with the role as a claim, and a
    `refresh_token` (see `/auth/token`). An account with a TOTP factor also sends `otp` (a code
    is accepted once, in its 30-second step or one either side) or a `recovery_code`; a first
    good code confirms a factor just enrolled. With `staff_mfa` `required`, an account without a
    factor gets 403 until it enrolls one (`POST /auth/mfa/totp`). With OpenID Connect on,
    password sign-in is off (403) except for the break-glass accounts. A wrong e-mail and a
    wrong password answer the same and take the same time. After 5 failures within 15 minutes on
    one e-mail address (known or not) from one client address, or 20 on it from all addresses
    together, each further failure doubles the wait (from 1 s up to 15 minutes) during which
    sign-ins to that account (from that address, or from all) answer 429 with `Retry-After`,
    without a password check. The body is at most 4 KiB.

    Args:
        body (LoginRequest): A staff member's sign-in.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessToken | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: LoginRequest,
) -> AccessToken | Problem | None:
    """Sign in as a staff member.

     Answers the same token shape as `/auth/token`, with the role as a claim, and a
    `refresh_token` (see `/auth/token`). An account with a TOTP factor also sends `otp` (a code
    is accepted once, in its 30-second step or one either side) or a `recovery_code`; a first
    good code confirms a factor just enrolled. With `staff_mfa` `required`, an account without a
    factor gets 403 until it enrolls one (`POST /auth/mfa/totp`). With OpenID Connect on,
    password sign-in is off (403) except for the break-glass accounts. A wrong e-mail and a
    wrong password answer the same and take the same time. After 5 failures within 15 minutes on
    one e-mail address (known or not) from one client address, or 20 on it from all addresses
    together, each further failure doubles the wait (from 1 s up to 15 minutes) during which
    sign-ins to that account (from that address, or from all) answer 429 with `Retry-After`,
    without a password check. The body is at most 4 KiB.

    Args:
        body (LoginRequest): A staff member's sign-in.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessToken | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
