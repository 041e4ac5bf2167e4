from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.oidc_sign_in import OidcSignIn
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    code: None | str | Unset = UNSET,
    state: None | str | Unset = UNSET,
    error: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_code: None | str | Unset
    if isinstance(code, Unset):
        json_code = UNSET
    else:
        json_code = code
    params["code"] = json_code

    json_state: None | str | Unset
    if isinstance(state, Unset):
        json_state = UNSET
    else:
        json_state = state
    params["state"] = json_state

    json_error: None | str | Unset
    if isinstance(error, Unset):
        json_error = UNSET
    else:
        json_error = error
    params["error"] = json_error

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/auth/oidc/callback",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> OidcSignIn | Problem | None:
    if response.status_code == 200:
        response_200 = OidcSignIn.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

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
) -> Response[OidcSignIn | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    code: None | str | Unset = UNSET,
    state: None | str | Unset = UNSET,
    error: None | str | Unset = UNSET,
) -> Response[OidcSignIn | Problem]:
    """Complete a staff sign-in at the identity provider.

     The provider redirects here with `code` and `state`. The sign-in must be one this portal
    started (its `state`, once, within 10 minutes: 400 otherwise); the code is exchanged with the
    PKCE verifier, and the ID token checked (signature by the provider's keys, `iss`, `aud`,
    `azp`, `exp`, `nonce`): 401 when the provider refuses the code or the token fails a check.
    The role comes from the `oidc_role_claim` claim through `oidc_roles`: 403 when it gives none,
    or when the account was deactivated. The account (keyed by the provider's `sub`) is created
    on the first sign-in and its e-mail, name and role brought up to date on each. Answers the
    token pair as `/auth/login` does.

    Args:
        code (None | str | Unset):
        state (None | str | Unset):
        error (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OidcSignIn | Problem]
    """

    kwargs = _get_kwargs(
        code=code,
        state=state,
        error=error,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    code: None | str | Unset = UNSET,
    state: None | str | Unset = UNSET,
    error: None | str | Unset = UNSET,
) -> OidcSignIn | Problem | None:
    """Complete a staff sign-in at the identity provider.

     The provider redirects here with `code` and `state`. The sign-in must be one this portal
    started (its `state`, once, within 10 minutes: 400 otherwise); the code is exchanged with the
    PKCE verifier, and the ID token checked (signature by the provider's keys, `iss`, `aud`,
    `azp`, `exp`, `nonce`): 401 when the provider refuses the code or the token fails a check.
    The role comes from the `oidc_role_claim` claim through `oidc_roles`: 403 when it gives none,
    or when the account was deactivated. The account (keyed by the provider's `sub`) is created
    on the first sign-in and its e-mail, name and role brought up to date on each. Answers the
    token pair as `/auth/login` does.

    Args:
        code (None | str | Unset):
        state (None | str | Unset):
        error (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OidcSignIn | Problem
    """

    return sync_detailed(
        client=client,
        code=code,
        state=state,
        error=error,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    code: None | str | Unset = UNSET,
    state: None | str | Unset = UNSET,
    error: None | str | Unset = UNSET,
) -> Response[OidcSignIn | Problem]:
    """Complete a staff sign-in at the identity provider.

     The provider redirects here with `code` and `state`. The sign-in must be one this portal
    started (its `state`, once, within 10 minutes: 400 otherwise); the code is exchanged with the
    PKCE verifier, and the ID token checked (signature by the provider's keys, `iss`, `aud`,
    `azp`, `exp`, `nonce`): 401 when the provider refuses the code or the token fails a check.
    The role comes from the `oidc_role_claim` claim through `oidc_roles`: 403 when it gives none,
    or when the account was deactivated. The account (keyed by the provider's `sub`) is created
    on the first sign-in and its e-mail, name and role brought up to date on each. Answers the
    token pair as `/auth/login` does.

    Args:
        code (None | str | Unset):
        state (None | str | Unset):
        error (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OidcSignIn | Problem]
    """

    kwargs = _get_kwargs(
        code=code,
        state=state,
        error=error,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    code: None | str | Unset = UNSET,
    state: None | str | Unset = UNSET,
    error: None | str | Unset = UNSET,
) -> OidcSignIn | Problem | None:
    """Complete a staff sign-in at the identity provider.

     The provider redirects here with `code` and `state`. The sign-in must be one this portal
    started (its `state`, once, within 10 minutes: 400 otherwise); the code is exchanged with the
    PKCE verifier, and the ID token checked (signature by the provider's keys, `iss`, `aud`,
    `azp`, `exp`, `nonce`): 401 when the provider refuses the code or the token fails a check.
    The role comes from the `oidc_role_claim` claim through `oidc_roles`: 403 when it gives none,
    or when the account was deactivated. The account (keyed by the provider's `sub`) is created
    on the first sign-in and its e-mail, name and role brought up to date on each. Answers the
    token pair as `/auth/login` does.

    Args:
        code (None | str | Unset):
        state (None | str | Unset):
        error (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OidcSignIn | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            code=code,
            state=state,
            error=error,
        )
    ).parsed
