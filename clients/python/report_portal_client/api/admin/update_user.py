from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.user import User
from ...models.user_changes import UserChanges
from ...types import Response


def _get_kwargs(
    id: str,
    *,
    body: UserChanges,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/admin/users/{id}".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | User | None:
    if response.status_code == 200:
        response_200 = User.from_dict(response.json())

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
    id: str,
    *,
    client: AuthenticatedClient,
    body: UserChanges,
) -> Response[Problem | User]:
    """Change a staff account's role, active flag, display name or e-mail opt-in.

     Absent fields stay as they are. A deactivation, or a change to a role that does not read
    report content, takes effect at once on the replica that made it and within
    `auth_cache_seconds` on the others. A change to `analyst` or `supervisor` takes effect only
    when the holder signs in again: the account's earlier tokens are refused (401). A move into
    one of those roles from `auditor` or `admin` also withdraws the account's password and
    e-mails its holder an enrollment link, so that only they can sign in with the new role. An
    administrator cannot change their own role (403). The last active admin can be neither
    demoted nor deactivated. A change of role is audited as `user.role_change` besides
    `user.update`.

    Args:
        id (str):
        body (UserChanges): Changes to a staff account; absent fields stay as they are.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | User]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    body: UserChanges,
) -> Problem | User | None:
    """Change a staff account's role, active flag, display name or e-mail opt-in.

     Absent fields stay as they are. A deactivation, or a change to a role that does not read
    report content, takes effect at once on the replica that made it and within
    `auth_cache_seconds` on the others. A change to `analyst` or `supervisor` takes effect only
    when the holder signs in again: the account's earlier tokens are refused (401). A move into
    one of those roles from `auditor` or `admin` also withdraws the account's password and
    e-mails its holder an enrollment link, so that only they can sign in with the new role. An
    administrator cannot change their own role (403). The last active admin can be neither
    demoted nor deactivated. A change of role is audited as `user.role_change` besides
    `user.update`.

    Args:
        id (str):
        body (UserChanges): Changes to a staff account; absent fields stay as they are.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | User
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: UserChanges,
) -> Response[Problem | User]:
    """Change a staff account's role, active flag, display name or e-mail opt-in.

     Absent fields stay as they are. A deactivation, or a change to a role that does not read
    report content, takes effect at once on the replica that made it and within
    `auth_cache_seconds` on the others. A change to `analyst` or `supervisor` takes effect only
    when the holder signs in again: the account's earlier tokens are refused (401). A move into
    one of those roles from `auditor` or `admin` also withdraws the account's password and
    e-mails its holder an enrollment link, so that only they can sign in with the new role. An
    administrator cannot change their own role (403). The last active admin can be neither
    demoted nor deactivated. A change of role is audited as `user.role_change` besides
    `user.update`.

    Args:
        id (str):
        body (UserChanges): Changes to a staff account; absent fields stay as they are.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | User]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    body: UserChanges,
) -> Problem | User | None:
    """Change a staff account's role, active flag, display name or e-mail opt-in.

     Absent fields stay as they are. A deactivation, or a change to a role that does not read
    report content, takes effect at once on the replica that made it and within
    `auth_cache_seconds` on the others. A change to `analyst` or `supervisor` takes effect only
    when the holder signs in again: the account's earlier tokens are refused (401). A move into
    one of those roles from `auditor` or `admin` also withdraws the account's password and
    e-mails its holder an enrollment link, so that only they can sign in with the new role. An
    administrator cannot change their own role (403). The last active admin can be neither
    demoted nor deactivated. A change of role is audited as `user.role_change` besides
    `user.update`.

    Args:
        id (str):
        body (UserChanges): Changes to a staff account; absent fields stay as they are.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | User
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
