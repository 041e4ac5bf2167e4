from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.related_reports import RelatedReports
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: str,
    *,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/review/reports/{id}/related".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RelatedReports | None:
    if response.status_code == 200:
        response_200 = RelatedReports.from_dict(response.json())

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

    if response.status_code == 410:
        response_410 = Problem.from_dict(response.json())

        return response_410

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
) -> Response[Problem | RelatedReports]:
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
    limit: int | Unset = UNSET,
) -> Response[Problem | RelatedReports]:
    """The reports, from any organization, sharing an indicator with this one: an account, handle,
    phone number, e-mail address or URL (exact, after normalization), or a media hash (SHA-256
    and MD5 exact, PDQ within 31 bits).

     Strongest first: most shared indicators, then most exact ones, then the nearest image, then
    newest. A test-mode report is related only to test-mode reports of its own organization.

    Args:
        id (str):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RelatedReports]
    """

    kwargs = _get_kwargs(
        id=id,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
) -> Problem | RelatedReports | None:
    """The reports, from any organization, sharing an indicator with this one: an account, handle,
    phone number, e-mail address or URL (exact, after normalization), or a media hash (SHA-256
    and MD5 exact, PDQ within 31 bits).

     Strongest first: most shared indicators, then most exact ones, then the nearest image, then
    newest. A test-mode report is related only to test-mode reports of its own organization.

    Args:
        id (str):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RelatedReports
    """

    return sync_detailed(
        id=id,
        client=client,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
) -> Response[Problem | RelatedReports]:
    """The reports, from any organization, sharing an indicator with this one: an account, handle,
    phone number, e-mail address or URL (exact, after normalization), or a media hash (SHA-256
    and MD5 exact, PDQ within 31 bits).

     Strongest first: most shared indicators, then most exact ones, then the nearest image, then
    newest. A test-mode report is related only to test-mode reports of its own organization.

    Args:
        id (str):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RelatedReports]
    """

    kwargs = _get_kwargs(
        id=id,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = UNSET,
) -> Problem | RelatedReports | None:
    """The reports, from any organization, sharing an indicator with this one: an account, handle,
    phone number, e-mail address or URL (exact, after normalization), or a media hash (SHA-256
    and MD5 exact, PDQ within 31 bits).

     Strongest first: most shared indicators, then most exact ones, then the nearest image, then
    newest. A test-mode report is related only to test-mode reports of its own organization.

    Args:
        id (str):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RelatedReports
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            limit=limit,
        )
    ).parsed
