from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.access_token import AccessToken
from ...models.o_auth_error import OAuthError
from ...models.problem import Problem
from ...models.token_request import TokenRequest
from ...types import Response


def _get_kwargs(
    *,
    body: TokenRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/token",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AccessToken | OAuthError | Problem | None:
    if response.status_code == 200:
        response_200 = AccessToken.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = OAuthError.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = OAuthError.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = OAuthError.from_dict(response.json())

        return response_403

    if response.status_code == 408:
        response_408 = OAuthError.from_dict(response.json())

        return response_408

    if response.status_code == 413:
        response_413 = OAuthError.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = OAuthError.from_dict(response.json())

        return response_415

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
) -> Response[AccessToken | OAuthError | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: TokenRequest,
) -> Response[AccessToken | OAuthError | Problem]:
    """Exchange API client credentials, or a staff refresh token, for an access token.

     OAuth 2.0 client credentials grant (RFC 6749 §4.4): send `grant_type=client_credentials` as a
    form, with the client id and secret either in HTTP Basic or in the form. The token lasts
    15 minutes; request a new one when it expires. Staff send `grant_type=refresh_token` with the
    `refresh_token` of their sign-in (RFC 6749 §6): the answer carries a new access token and a
    new refresh token, and the one sent stops working; sending a used one again revokes every
    refresh token of that sign-in (`invalid_grant`). Errors follow RFC 6749 §5.2. The body is at
    most 4 KiB.

    Args:
        body (TokenRequest): The form body of a token request: client credentials (RFC 6749
            §4.4.2) or a staff refresh
            token (RFC 6749 §6).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessToken | OAuthError | Problem]
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
    client: AuthenticatedClient,
    body: TokenRequest,
) -> AccessToken | OAuthError | Problem | None:
    """Exchange API client credentials, or a staff refresh token, for an access token.

     OAuth 2.0 client credentials grant (RFC 6749 §4.4): send `grant_type=client_credentials` as a
    form, with the client id and secret either in HTTP Basic or in the form. The token lasts
    15 minutes; request a new one when it expires. Staff send `grant_type=refresh_token` with the
    `refresh_token` of their sign-in (RFC 6749 §6): the answer carries a new access token and a
    new refresh token, and the one sent stops working; sending a used one again revokes every
    refresh token of that sign-in (`invalid_grant`). Errors follow RFC 6749 §5.2. The body is at
    most 4 KiB.

    Args:
        body (TokenRequest): The form body of a token request: client credentials (RFC 6749
            §4.4.2) or a staff refresh
            token (RFC 6749 §6).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessToken | OAuthError | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: TokenRequest,
) -> Response[AccessToken | OAuthError | Problem]:
    """Exchange API client credentials, or a staff refresh token, for an access token.

     OAuth 2.0 client credentials grant (RFC 6749 §4.4): send `grant_type=client_credentials` as a
    form, with the client id and secret either in HTTP Basic or in the form. The token lasts
    15 minutes; request a new one when it expires. Staff send `grant_type=refresh_token` with the
    `refresh_token` of their sign-in (RFC 6749 §6): the answer carries a new access token and a
    new refresh token, and the one sent stops working; sending a used one again revokes every
    refresh token of that sign-in (`invalid_grant`). Errors follow RFC 6749 §5.2. The body is at
    most 4 KiB.

    Args:
        body (TokenRequest): The form body of a token request: client credentials (RFC 6749
            §4.4.2) or a staff refresh
            token (RFC 6749 §6).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessToken | OAuthError | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: TokenRequest,
) -> AccessToken | OAuthError | Problem | None:
    """Exchange API client credentials, or a staff refresh token, for an access token.

     OAuth 2.0 client credentials grant (RFC 6749 §4.4): send `grant_type=client_credentials` as a
    form, with the client id and secret either in HTTP Basic or in the form. The token lasts
    15 minutes; request a new one when it expires. Staff send `grant_type=refresh_token` with the
    `refresh_token` of their sign-in (RFC 6749 §6): the answer carries a new access token and a
    new refresh token, and the one sent stops working; sending a used one again revokes every
    refresh token of that sign-in (`invalid_grant`). Errors follow RFC 6749 §5.2. The body is at
    most 4 KiB.

    Args:
        body (TokenRequest): The form body of a token request: client credentials (RFC 6749
            §4.4.2) or a staff refresh
            token (RFC 6749 §6).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessToken | OAuthError | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
