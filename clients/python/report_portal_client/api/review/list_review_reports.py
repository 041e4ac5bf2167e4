import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.category import Category
from ...models.credential_mode import CredentialMode
from ...models.paginated_review_list_item import PaginatedReviewListItem
from ...models.problem import Problem
from ...models.report_status import ReportStatus
from ...models.severity import Severity
from ...models.suspected_group import SuspectedGroup
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    status: ReportStatus | Unset = UNSET,
    severity: Severity | Unset = UNSET,
    category: Category | Unset = UNSET,
    group: SuspectedGroup | Unset = UNSET,
    organization_id: str | Unset = UNSET,
    service: str | Unset = UNSET,
    assignee_id: str | Unset = UNSET,
    received_from: datetime.datetime | Unset = UNSET,
    received_to: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    mode: CredentialMode | Unset = UNSET,
    related_to: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    json_severity: str | Unset = UNSET
    if not isinstance(severity, Unset):
        json_severity = severity.value

    params["severity"] = json_severity

    json_category: str | Unset = UNSET
    if not isinstance(category, Unset):
        json_category = category.value

    params["category"] = json_category

    json_group: str | Unset = UNSET
    if not isinstance(group, Unset):
        json_group = group.value

    params["group"] = json_group

    params["organization_id"] = organization_id

    params["service"] = service

    params["assignee_id"] = assignee_id

    json_received_from: str | Unset = UNSET
    if not isinstance(received_from, Unset):
        json_received_from = received_from.isoformat()
    params["received_from"] = json_received_from

    json_received_to: str | Unset = UNSET
    if not isinstance(received_to, Unset):
        json_received_to = received_to.isoformat()
    params["received_to"] = json_received_to

    params["q"] = q

    json_mode: str | Unset = UNSET
    if not isinstance(mode, Unset):
        json_mode = mode.value

    params["mode"] = json_mode

    params["related_to"] = related_to

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/review/reports",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedReviewListItem | Problem | None:
    if response.status_code == 200:
        response_200 = PaginatedReviewListItem.from_dict(response.json())

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
) -> Response[PaginatedReviewListItem | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: ReportStatus | Unset = UNSET,
    severity: Severity | Unset = UNSET,
    category: Category | Unset = UNSET,
    group: SuspectedGroup | Unset = UNSET,
    organization_id: str | Unset = UNSET,
    service: str | Unset = UNSET,
    assignee_id: str | Unset = UNSET,
    received_from: datetime.datetime | Unset = UNSET,
    received_to: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    mode: CredentialMode | Unset = UNSET,
    related_to: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[PaginatedReviewListItem | Problem]:
    """Reports from every organization, newest first, filtered.

     Each line says how many other organizations reported an indicator the report shares
    (`other_organizations`); `related_to` keeps the reports related to one report.

    Args:
        status (ReportStatus | Unset): The status of a report as DHS works it.
        severity (Severity | Unset): How urgent the report is, ordered from `low` to `critical`.
        category (Category | Unset): What kind of cartel activity the report is about.
        group (SuspectedGroup | Unset): The criminal organisation the reporter believes is behind
            the activity.
        organization_id (str | Unset):
        service (str | Unset):
        assignee_id (str | Unset):
        received_from (datetime.datetime | Unset):
        received_to (datetime.datetime | Unset):
        q (str | Unset):
        mode (CredentialMode | Unset): Whether a credential submits real reports or exercises the
            API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        related_to (str | Unset):
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedReviewListItem | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        severity=severity,
        category=category,
        group=group,
        organization_id=organization_id,
        service=service,
        assignee_id=assignee_id,
        received_from=received_from,
        received_to=received_to,
        q=q,
        mode=mode,
        related_to=related_to,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    status: ReportStatus | Unset = UNSET,
    severity: Severity | Unset = UNSET,
    category: Category | Unset = UNSET,
    group: SuspectedGroup | Unset = UNSET,
    organization_id: str | Unset = UNSET,
    service: str | Unset = UNSET,
    assignee_id: str | Unset = UNSET,
    received_from: datetime.datetime | Unset = UNSET,
    received_to: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    mode: CredentialMode | Unset = UNSET,
    related_to: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> PaginatedReviewListItem | Problem | None:
    """Reports from every organization, newest first, filtered.

     Each line says how many other organizations reported an indicator the report shares
    (`other_organizations`); `related_to` keeps the reports related to one report.

    Args:
        status (ReportStatus | Unset): The status of a report as DHS works it.
        severity (Severity | Unset): How urgent the report is, ordered from `low` to `critical`.
        category (Category | Unset): What kind of cartel activity the report is about.
        group (SuspectedGroup | Unset): The criminal organisation the reporter believes is behind
            the activity.
        organization_id (str | Unset):
        service (str | Unset):
        assignee_id (str | Unset):
        received_from (datetime.datetime | Unset):
        received_to (datetime.datetime | Unset):
        q (str | Unset):
        mode (CredentialMode | Unset): Whether a credential submits real reports or exercises the
            API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        related_to (str | Unset):
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedReviewListItem | Problem
    """

    return sync_detailed(
        client=client,
        status=status,
        severity=severity,
        category=category,
        group=group,
        organization_id=organization_id,
        service=service,
        assignee_id=assignee_id,
        received_from=received_from,
        received_to=received_to,
        q=q,
        mode=mode,
        related_to=related_to,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: ReportStatus | Unset = UNSET,
    severity: Severity | Unset = UNSET,
    category: Category | Unset = UNSET,
    group: SuspectedGroup | Unset = UNSET,
    organization_id: str | Unset = UNSET,
    service: str | Unset = UNSET,
    assignee_id: str | Unset = UNSET,
    received_from: datetime.datetime | Unset = UNSET,
    received_to: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    mode: CredentialMode | Unset = UNSET,
    related_to: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[PaginatedReviewListItem | Problem]:
    """Reports from every organization, newest first, filtered.

     Each line says how many other organizations reported an indicator the report shares
    (`other_organizations`); `related_to` keeps the reports related to one report.

    Args:
        status (ReportStatus | Unset): The status of a report as DHS works it.
        severity (Severity | Unset): How urgent the report is, ordered from `low` to `critical`.
        category (Category | Unset): What kind of cartel activity the report is about.
        group (SuspectedGroup | Unset): The criminal organisation the reporter believes is behind
            the activity.
        organization_id (str | Unset):
        service (str | Unset):
        assignee_id (str | Unset):
        received_from (datetime.datetime | Unset):
        received_to (datetime.datetime | Unset):
        q (str | Unset):
        mode (CredentialMode | Unset): Whether a credential submits real reports or exercises the
            API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        related_to (str | Unset):
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedReviewListItem | Problem]
    """

    kwargs = _get_kwargs(
        status=status,
        severity=severity,
        category=category,
        group=group,
        organization_id=organization_id,
        service=service,
        assignee_id=assignee_id,
        received_from=received_from,
        received_to=received_to,
        q=q,
        mode=mode,
        related_to=related_to,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    status: ReportStatus | Unset = UNSET,
    severity: Severity | Unset = UNSET,
    category: Category | Unset = UNSET,
    group: SuspectedGroup | Unset = UNSET,
    organization_id: str | Unset = UNSET,
    service: str | Unset = UNSET,
    assignee_id: str | Unset = UNSET,
    received_from: datetime.datetime | Unset = UNSET,
    received_to: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    mode: CredentialMode | Unset = UNSET,
    related_to: str | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> PaginatedReviewListItem | Problem | None:
    """Reports from every organization, newest first, filtered.

     Each line says how many other organizations reported an indicator the report shares
    (`other_organizations`); `related_to` keeps the reports related to one report.

    Args:
        status (ReportStatus | Unset): The status of a report as DHS works it.
        severity (Severity | Unset): How urgent the report is, ordered from `low` to `critical`.
        category (Category | Unset): What kind of cartel activity the report is about.
        group (SuspectedGroup | Unset): The criminal organisation the reporter believes is behind
            the activity.
        organization_id (str | Unset):
        service (str | Unset):
        assignee_id (str | Unset):
        received_from (datetime.datetime | Unset):
        received_to (datetime.datetime | Unset):
        q (str | Unset):
        mode (CredentialMode | Unset): Whether a credential submits real reports or exercises the
            API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        related_to (str | Unset):
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedReviewListItem | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            status=status,
            severity=severity,
            category=category,
            group=group,
            organization_id=organization_id,
            service=service,
            assignee_id=assignee_id,
            received_from=received_from,
            received_to=received_to,
            q=q,
            mode=mode,
            related_to=related_to,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
