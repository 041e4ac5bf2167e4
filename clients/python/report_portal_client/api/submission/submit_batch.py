from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_request import BatchRequest
from ...models.batch_results import BatchResults
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: BatchRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/reports/batch",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> BatchResults | Problem | None:
    if response.status_code == 200:
        response_200 = BatchResults.from_dict(response.json())

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
) -> Response[BatchResults | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BatchRequest,
) -> Response[BatchResults | Problem]:
    """Submit up to 100 reports at once.

     Each report is judged as if submitted alone, in order, and gets one result at its index:
    `status` is what a single submission would have answered (201 stored, 200 replay, 409
    conflict, 422 invalid) with `id` and `receipt`, or `error`, the problem document it would
    have got. Reports repeating an `external_id` of an earlier item are judged like
    resubmissions of it. So a whole batch may be sent again after a timeout. The valid new
    reports are stored together in one transaction.

    Args:
        body (BatchRequest): The body of `POST /api/v1/reports/batch`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResults | Problem]
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
    body: BatchRequest,
) -> BatchResults | Problem | None:
    """Submit up to 100 reports at once.

     Each report is judged as if submitted alone, in order, and gets one result at its index:
    `status` is what a single submission would have answered (201 stored, 200 replay, 409
    conflict, 422 invalid) with `id` and `receipt`, or `error`, the problem document it would
    have got. Reports repeating an `external_id` of an earlier item are judged like
    resubmissions of it. So a whole batch may be sent again after a timeout. The valid new
    reports are stored together in one transaction.

    Args:
        body (BatchRequest): The body of `POST /api/v1/reports/batch`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResults | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BatchRequest,
) -> Response[BatchResults | Problem]:
    """Submit up to 100 reports at once.

     Each report is judged as if submitted alone, in order, and gets one result at its index:
    `status` is what a single submission would have answered (201 stored, 200 replay, 409
    conflict, 422 invalid) with `id` and `receipt`, or `error`, the problem document it would
    have got. Reports repeating an `external_id` of an earlier item are judged like
    resubmissions of it. So a whole batch may be sent again after a timeout. The valid new
    reports are stored together in one transaction.

    Args:
        body (BatchRequest): The body of `POST /api/v1/reports/batch`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResults | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: BatchRequest,
) -> BatchResults | Problem | None:
    """Submit up to 100 reports at once.

     Each report is judged as if submitted alone, in order, and gets one result at its index:
    `status` is what a single submission would have answered (201 stored, 200 replay, 409
    conflict, 422 invalid) with `id` and `receipt`, or `error`, the problem document it would
    have got. Reports repeating an `external_id` of an earlier item are judged like
    resubmissions of it. So a whole batch may be sent again after a timeout. The valid new
    reports are stored together in one transaction.

    Args:
        body (BatchRequest): The body of `POST /api/v1/reports/batch`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResults | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
