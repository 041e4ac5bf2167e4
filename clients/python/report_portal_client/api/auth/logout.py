from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.logout_request import LogoutRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: LogoutRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/logout",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: LogoutRequest,
) -> Response[Any | Problem]:
    """Sign out: revoke the refresh tokens of a sign-in.

     Every refresh token of the sign-in's family stops working at once; access tokens already
    issued expire on their own (15 minutes). Answers 204 whether or not the token was known
    (RFC 7009 §2.2), audited as `auth.logout` (failed for an unknown token). Limited per client
    address like sign-ins. The body is at most 4 KiB.

    Args:
        body (LogoutRequest): A sign-out: the refresh token whose family ends.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
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
    body: LogoutRequest,
) -> Any | Problem | None:
    """Sign out: revoke the refresh tokens of a sign-in.

     Every refresh token of the sign-in's family stops working at once; access tokens already
    issued expire on their own (15 minutes). Answers 204 whether or not the token was known
    (RFC 7009 §2.2), audited as `auth.logout` (failed for an unknown token). Limited per client
    address like sign-ins. The body is at most 4 KiB.

    Args:
        body (LogoutRequest): A sign-out: the refresh token whose family ends.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: LogoutRequest,
) -> Response[Any | Problem]:
    """Sign out: revoke the refresh tokens of a sign-in.

     Every refresh token of the sign-in's family stops working at once; access tokens already
    issued expire on their own (15 minutes). Answers 204 whether or not the token was known
    (RFC 7009 §2.2), audited as `auth.logout` (failed for an unknown token). Limited per client
    address like sign-ins. The body is at most 4 KiB.

    Args:
        body (LogoutRequest): A sign-out: the refresh token whose family ends.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: LogoutRequest,
) -> Any | Problem | None:
    """Sign out: revoke the refresh tokens of a sign-in.

     Every refresh token of the sign-in's family stops working at once; access tokens already
    issued expire on their own (15 minutes). Answers 204 whether or not the token was known
    (RFC 7009 §2.2), audited as `auth.logout` (failed for an unknown token). Limited per client
    address like sign-ins. The body is at most 4 KiB.

    Args:
        body (LogoutRequest): A sign-out: the refresh token whose family ends.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
