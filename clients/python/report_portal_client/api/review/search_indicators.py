from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.credential_mode import CredentialMode
from ...models.indicator_kind import IndicatorKind
from ...models.paginated_indicator_hit import PaginatedIndicatorHit
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    type_: IndicatorKind,
    value: str,
    service: str | Unset = UNSET,
    mode: CredentialMode | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_type_ = type_.value
    params["type"] = json_type_

    params["value"] = value

    params["service"] = service

    json_mode: str | Unset = UNSET
    if not isinstance(mode, Unset):
        json_mode = mode.value

    params["mode"] = json_mode

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/review/indicators",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedIndicatorHit | Problem | None:
    if response.status_code == 200:
        response_200 = PaginatedIndicatorHit.from_dict(response.json())

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
) -> Response[PaginatedIndicatorHit | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    type_: IndicatorKind,
    value: str,
    service: str | Unset = UNSET,
    mode: CredentialMode | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[PaginatedIndicatorHit | Problem]:
    """Every report in which a phone number, handle, e-mail address, account, URL or media hash
    appears, newest first.

     The value is normalized as the reports' values are (a phone number in any format, with or
    without country code; a handle with or without `@`; a URL with tracking parameters; a hash
    in either case), so it is found however each platform wrote it. `type=pdq` finds the images
    whose PDQ hash is within 31 bits.

    Args:
        type_ (IndicatorKind): What kind of value an indicator is.
        value (str):
        service (str | Unset):
        mode (CredentialMode | Unset): Whether a credential submits real reports or exercises the
            API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedIndicatorHit | Problem]
    """

    kwargs = _get_kwargs(
        type_=type_,
        value=value,
        service=service,
        mode=mode,
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
    type_: IndicatorKind,
    value: str,
    service: str | Unset = UNSET,
    mode: CredentialMode | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> PaginatedIndicatorHit | Problem | None:
    """Every report in which a phone number, handle, e-mail address, account, URL or media hash
    appears, newest first.

     The value is normalized as the reports' values are (a phone number in any format, with or
    without country code; a handle with or without `@`; a URL with tracking parameters; a hash
    in either case), so it is found however each platform wrote it. `type=pdq` finds the images
    whose PDQ hash is within 31 bits.

    Args:
        type_ (IndicatorKind): What kind of value an indicator is.
        value (str):
        service (str | Unset):
        mode (CredentialMode | Unset): Whether a credential submits real reports or exercises the
            API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedIndicatorHit | Problem
    """

    return sync_detailed(
        client=client,
        type_=type_,
        value=value,
        service=service,
        mode=mode,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    type_: IndicatorKind,
    value: str,
    service: str | Unset = UNSET,
    mode: CredentialMode | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[PaginatedIndicatorHit | Problem]:
    """Every report in which a phone number, handle, e-mail address, account, URL or media hash
    appears, newest first.

     The value is normalized as the reports' values are (a phone number in any format, with or
    without country code; a handle with or without `@`; a URL with tracking parameters; a hash
    in either case), so it is found however each platform wrote it. `type=pdq` finds the images
    whose PDQ hash is within 31 bits.

    Args:
        type_ (IndicatorKind): What kind of value an indicator is.
        value (str):
        service (str | Unset):
        mode (CredentialMode | Unset): Whether a credential submits real reports or exercises the
            API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedIndicatorHit | Problem]
    """

    kwargs = _get_kwargs(
        type_=type_,
        value=value,
        service=service,
        mode=mode,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    type_: IndicatorKind,
    value: str,
    service: str | Unset = UNSET,
    mode: CredentialMode | Unset = UNSET,
    limit: int | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> PaginatedIndicatorHit | Problem | None:
    """Every report in which a phone number, handle, e-mail address, account, URL or media hash
    appears, newest first.

     The value is normalized as the reports' values are (a phone number in any format, with or
    without country code; a handle with or without `@`; a URL with tracking parameters; a hash
    in either case), so it is found however each platform wrote it. `type=pdq` finds the images
    whose PDQ hash is within 31 bits.

    Args:
        type_ (IndicatorKind): What kind of value an indicator is.
        value (str):
        service (str | Unset):
        mode (CredentialMode | Unset): Whether a credential submits real reports or exercises the
            API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        limit (int | Unset):
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedIndicatorHit | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            type_=type_,
            value=value,
            service=service,
            mode=mode,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
