from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    return_to: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_return_to: None | str | Unset
    if isinstance(return_to, Unset):
        json_return_to = UNSET
    else:
        json_return_to = return_to
    params["return_to"] = json_return_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/auth/oidc/start",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 302:
        response_302 = cast(Any, None)
        return response_302

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
    return_to: None | str | Unset = UNSET,
) -> Response[Any | Problem]:
    """Start a staff sign-in at the agency's identity provider.

     Answers 302 to the provider's authorization endpoint (authorization code flow with PKCE S256,
    `state` and `nonce`); the sign-in must come back to the callback within 10 minutes, once.
    `return_to` must start with a prefix the configuration allows (422 otherwise); the callback
    hands it back. 404 when no provider is configured. Audited as `auth.oidc.start`.

    Args:
        return_to (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        return_to=return_to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    return_to: None | str | Unset = UNSET,
) -> Any | Problem | None:
    """Start a staff sign-in at the agency's identity provider.

     Answers 302 to the provider's authorization endpoint (authorization code flow with PKCE S256,
    `state` and `nonce`); the sign-in must come back to the callback within 10 minutes, once.
    `return_to` must start with a prefix the configuration allows (422 otherwise); the callback
    hands it back. 404 when no provider is configured. Audited as `auth.oidc.start`.

    Args:
        return_to (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        client=client,
        return_to=return_to,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    return_to: None | str | Unset = UNSET,
) -> Response[Any | Problem]:
    """Start a staff sign-in at the agency's identity provider.

     Answers 302 to the provider's authorization endpoint (authorization code flow with PKCE S256,
    `state` and `nonce`); the sign-in must come back to the callback within 10 minutes, once.
    `return_to` must start with a prefix the configuration allows (422 otherwise); the callback
    hands it back. 404 when no provider is configured. Audited as `auth.oidc.start`.

    Args:
        return_to (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        return_to=return_to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    return_to: None | str | Unset = UNSET,
) -> Any | Problem | None:
    """Start a staff sign-in at the agency's identity provider.

     Answers 302 to the provider's authorization endpoint (authorization code flow with PKCE S256,
    `state` and `nonce`); the sign-in must come back to the callback within 10 minutes, once.
    `return_to` must start with a prefix the configuration allows (422 otherwise); the callback
    hands it back. 404 when no provider is configured. Audited as `auth.oidc.start`.

    Args:
        return_to (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            return_to=return_to,
        )
    ).parsed
