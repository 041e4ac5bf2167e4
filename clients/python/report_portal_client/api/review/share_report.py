from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.share import Share
from ...models.share_request import ShareRequest
from ...types import Response


def _get_kwargs(
    id: str,
    *,
    body: ShareRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/review/reports/{id}/shares".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Share | None:
    if response.status_code == 201:
        response_201 = Share.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 410:
        response_410 = Problem.from_dict(response.json())

        return response_410

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Share]:
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
    body: ShareRequest,
) -> Response[Problem | Share]:
    """Share a report's indicators with the partners of a collection, as STIX 2.1.

     Shares all of the report's indicators, or those named by pointer; each becomes an
    observable (`url`, `user-account` with its platform, `file` with its hashes, `email-addr`,
    the portal's `phone-number`) and, where a pattern makes sense, an `indicator`; each
    suspected group an `intrusion-set` (with `indicates` relationships), all tied by a `report`
    object carrying the note, marked with the TLP 2.0 marking and created by the portal's
    `identity`. Never the submitter's contact, summary or excerpts. A retracted report, a
    test-mode report and one under a legal hold are refused (409).

    Args:
        id (str):
        body (ShareRequest): An analyst's share of a report's indicators into a collection.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Share]
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
    body: ShareRequest,
) -> Problem | Share | None:
    """Share a report's indicators with the partners of a collection, as STIX 2.1.

     Shares all of the report's indicators, or those named by pointer; each becomes an
    observable (`url`, `user-account` with its platform, `file` with its hashes, `email-addr`,
    the portal's `phone-number`) and, where a pattern makes sense, an `indicator`; each
    suspected group an `intrusion-set` (with `indicates` relationships), all tied by a `report`
    object carrying the note, marked with the TLP 2.0 marking and created by the portal's
    `identity`. Never the submitter's contact, summary or excerpts. A retracted report, a
    test-mode report and one under a legal hold are refused (409).

    Args:
        id (str):
        body (ShareRequest): An analyst's share of a report's indicators into a collection.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Share
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
    body: ShareRequest,
) -> Response[Problem | Share]:
    """Share a report's indicators with the partners of a collection, as STIX 2.1.

     Shares all of the report's indicators, or those named by pointer; each becomes an
    observable (`url`, `user-account` with its platform, `file` with its hashes, `email-addr`,
    the portal's `phone-number`) and, where a pattern makes sense, an `indicator`; each
    suspected group an `intrusion-set` (with `indicates` relationships), all tied by a `report`
    object carrying the note, marked with the TLP 2.0 marking and created by the portal's
    `identity`. Never the submitter's contact, summary or excerpts. A retracted report, a
    test-mode report and one under a legal hold are refused (409).

    Args:
        id (str):
        body (ShareRequest): An analyst's share of a report's indicators into a collection.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Share]
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
    body: ShareRequest,
) -> Problem | Share | None:
    """Share a report's indicators with the partners of a collection, as STIX 2.1.

     Shares all of the report's indicators, or those named by pointer; each becomes an
    observable (`url`, `user-account` with its platform, `file` with its hashes, `email-addr`,
    the portal's `phone-number`) and, where a pattern makes sense, an `indicator`; each
    suspected group an `intrusion-set` (with `indicates` relationships), all tied by a `report`
    object carrying the note, marked with the TLP 2.0 marking and created by the portal's
    `identity`. Never the submitter's contact, summary or excerpts. A retracted report, a
    test-mode report and one under a legal hold are refused (409).

    Args:
        id (str):
        body (ShareRequest): An analyst's share of a report's indicators into a collection.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Share
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
