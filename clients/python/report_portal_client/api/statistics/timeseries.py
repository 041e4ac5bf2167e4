import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dimension import Dimension
from ...models.interval import Interval
from ...models.problem import Problem
from ...models.timeseries import Timeseries
from ...models.timeseries_format import TimeseriesFormat
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    interval: Interval | Unset = UNSET,
    dimension: Dimension | Unset = UNSET,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    format_: TimeseriesFormat | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_interval: str | Unset = UNSET
    if not isinstance(interval, Unset):
        json_interval = interval.value

    params["interval"] = json_interval

    json_dimension: str | Unset = UNSET
    if not isinstance(dimension, Unset):
        json_dimension = dimension.value

    params["dimension"] = json_dimension

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/stats/timeseries",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Timeseries | None:
    if response.status_code == 200:
        response_200 = Timeseries.from_dict(response.json())

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
) -> Response[Problem | Timeseries]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    interval: Interval | Unset = UNSET,
    dimension: Dimension | Unset = UNSET,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    format_: TimeseriesFormat | Unset = UNSET,
) -> Response[Problem | Timeseries]:
    """Counts per interval of `[from, to)`, optionally split by a dimension.

    Args:
        interval (Interval | Unset): Time-series intervals, on the UTC calendar.
        dimension (Dimension | Unset): What reports can be counted by.
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        format_ (TimeseriesFormat | Unset): `?format=`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Timeseries]
    """

    kwargs = _get_kwargs(
        interval=interval,
        dimension=dimension,
        from_=from_,
        to=to,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    interval: Interval | Unset = UNSET,
    dimension: Dimension | Unset = UNSET,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    format_: TimeseriesFormat | Unset = UNSET,
) -> Problem | Timeseries | None:
    """Counts per interval of `[from, to)`, optionally split by a dimension.

    Args:
        interval (Interval | Unset): Time-series intervals, on the UTC calendar.
        dimension (Dimension | Unset): What reports can be counted by.
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        format_ (TimeseriesFormat | Unset): `?format=`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Timeseries
    """

    return sync_detailed(
        client=client,
        interval=interval,
        dimension=dimension,
        from_=from_,
        to=to,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    interval: Interval | Unset = UNSET,
    dimension: Dimension | Unset = UNSET,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    format_: TimeseriesFormat | Unset = UNSET,
) -> Response[Problem | Timeseries]:
    """Counts per interval of `[from, to)`, optionally split by a dimension.

    Args:
        interval (Interval | Unset): Time-series intervals, on the UTC calendar.
        dimension (Dimension | Unset): What reports can be counted by.
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        format_ (TimeseriesFormat | Unset): `?format=`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Timeseries]
    """

    kwargs = _get_kwargs(
        interval=interval,
        dimension=dimension,
        from_=from_,
        to=to,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    interval: Interval | Unset = UNSET,
    dimension: Dimension | Unset = UNSET,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    format_: TimeseriesFormat | Unset = UNSET,
) -> Problem | Timeseries | None:
    """Counts per interval of `[from, to)`, optionally split by a dimension.

    Args:
        interval (Interval | Unset): Time-series intervals, on the UTC calendar.
        dimension (Dimension | Unset): What reports can be counted by.
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        format_ (TimeseriesFormat | Unset): `?format=`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Timeseries
    """

    return (
        await asyncio_detailed(
            client=client,
            interval=interval,
            dimension=dimension,
            from_=from_,
            to=to,
            format_=format_,
        )
    ).parsed
