from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.retraction_request import RetractionRequest
from ...models.submitted_report import SubmittedReport
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: str,
    *,
    body: RetractionRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/reports/{id}/retraction".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SubmittedReport | None:
    if response.status_code == 200:
        response_200 = SubmittedReport.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | SubmittedReport]:
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
    body: RetractionRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | SubmittedReport]:
    """Retract (withdraw) a report.

     Allowed until DHS has closed the report (409 after). The report stays stored, and visible
    to analysts as retracted; nothing more can be added to it. Retracting it again changes
    nothing. Answers the report.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (RetractionRequest): A request to withdraw a report.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SubmittedReport]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    body: RetractionRequest,
    idempotency_key: str | Unset = UNSET,
) -> Problem | SubmittedReport | None:
    """Retract (withdraw) a report.

     Allowed until DHS has closed the report (409 after). The report stays stored, and visible
    to analysts as retracted; nothing more can be added to it. Retracting it again changes
    nothing. Answers the report.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (RetractionRequest): A request to withdraw a report.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SubmittedReport
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: RetractionRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | SubmittedReport]:
    """Retract (withdraw) a report.

     Allowed until DHS has closed the report (409 after). The report stays stored, and visible
    to analysts as retracted; nothing more can be added to it. Retracting it again changes
    nothing. Answers the report.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (RetractionRequest): A request to withdraw a report.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SubmittedReport]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    body: RetractionRequest,
    idempotency_key: str | Unset = UNSET,
) -> Problem | SubmittedReport | None:
    """Retract (withdraw) a report.

     Allowed until DHS has closed the report (409 after). The report stays stored, and visible
    to analysts as retracted; nothing more can be added to it. Retracting it again changes
    nothing. Answers the report.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (RetractionRequest): A request to withdraw a report.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SubmittedReport
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
