from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.new_user import NewUser
from ...models.problem import Problem
from ...models.user import User
from ...types import Response


def _get_kwargs(
    *,
    body: NewUser,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/admin/users",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | User | None:
    if response.status_code == 201:
        response_201 = User.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | User]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: NewUser,
) -> Response[Problem | User]:
    """Create a staff account.

     Nobody is told its password, the administrator included: the new colleague is e-mailed a
    one-time enrollment link (valid `enrollment_link_hours`, 72 by default) through which they
    choose their own (`POST /auth/enrollment`). Until then the account cannot sign in.

    Args:
        body (NewUser): A new staff account, as an admin or the command line asks for it. It
            carries no password: an
            account made through the API is enrolled by its holder through an e-mailed link, and the
            command line takes the password separately (`--password-stdin`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | User]
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
    body: NewUser,
) -> Problem | User | None:
    """Create a staff account.

     Nobody is told its password, the administrator included: the new colleague is e-mailed a
    one-time enrollment link (valid `enrollment_link_hours`, 72 by default) through which they
    choose their own (`POST /auth/enrollment`). Until then the account cannot sign in.

    Args:
        body (NewUser): A new staff account, as an admin or the command line asks for it. It
            carries no password: an
            account made through the API is enrolled by its holder through an e-mailed link, and the
            command line takes the password separately (`--password-stdin`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | User
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: NewUser,
) -> Response[Problem | User]:
    """Create a staff account.

     Nobody is told its password, the administrator included: the new colleague is e-mailed a
    one-time enrollment link (valid `enrollment_link_hours`, 72 by default) through which they
    choose their own (`POST /auth/enrollment`). Until then the account cannot sign in.

    Args:
        body (NewUser): A new staff account, as an admin or the command line asks for it. It
            carries no password: an
            account made through the API is enrolled by its holder through an e-mailed link, and the
            command line takes the password separately (`--password-stdin`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | User]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: NewUser,
) -> Problem | User | None:
    """Create a staff account.

     Nobody is told its password, the administrator included: the new colleague is e-mailed a
    one-time enrollment link (valid `enrollment_link_hours`, 72 by default) through which they
    choose their own (`POST /auth/enrollment`). Until then the account cannot sign in.

    Args:
        body (NewUser): A new staff account, as an admin or the command line asks for it. It
            carries no password: an
            account made through the API is enrolled by its holder through an e-mailed link, and the
            command line takes the password separately (`--password-stdin`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | User
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
