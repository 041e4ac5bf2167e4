from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.amendment_receipt import AmendmentReceipt
from ...models.new_amendment import NewAmendment
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: str,
    *,
    body: NewAmendment,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/reports/{id}/amendments".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AmendmentReceipt | Problem | None:
    if response.status_code == 200:
        response_200 = AmendmentReceipt.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = AmendmentReceipt.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AmendmentReceipt | Problem]:
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
    body: NewAmendment,
    idempotency_key: str | Unset = UNSET,
) -> Response[AmendmentReceipt | Problem]:
    """Amend a report: add accounts, content items or locations, raise its severity, with a note.

     Append-only: amendments are numbered 1, 2, … and the report as first submitted never
    changes. Validated like a report (422 with pointers into the amendment); new accounts must
    not repeat the report's, and `account_ref`s may name the report's accounts (with those of
    earlier amendments) or the amendment's own. `severity` must be higher than the current one.
    Sending the same amendment again answers 200 with its original receipt.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (NewAmendment): An amendment: a note, and any of more accounts, more content, more
            locations, a higher
            severity. Its lists follow the rules of the report's own lists; its `account_ref`s may
            name
            the report's accounts (including those added by earlier amendments) or its own. Example:
            {'accounts': [{'action_taken': 'banned', 'handle': '@trabajo.seguro.fake2',
            'platform_account_id': '1234567891', 'role': 'recruiter'}], 'content': [{'account_ref':
            '1234567891', 'content_type': 'post', 'preserved': True, 'removed': True, 'text_excerpt':
            'Buscamos chavos de 15 a 17, pago semanal'}], 'note': 'The recruiter opened a second
            account after the first was suspended, and now targets minors.', 'severity': 'critical'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AmendmentReceipt | Problem]
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
    body: NewAmendment,
    idempotency_key: str | Unset = UNSET,
) -> AmendmentReceipt | Problem | None:
    """Amend a report: add accounts, content items or locations, raise its severity, with a note.

     Append-only: amendments are numbered 1, 2, … and the report as first submitted never
    changes. Validated like a report (422 with pointers into the amendment); new accounts must
    not repeat the report's, and `account_ref`s may name the report's accounts (with those of
    earlier amendments) or the amendment's own. `severity` must be higher than the current one.
    Sending the same amendment again answers 200 with its original receipt.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (NewAmendment): An amendment: a note, and any of more accounts, more content, more
            locations, a higher
            severity. Its lists follow the rules of the report's own lists; its `account_ref`s may
            name
            the report's accounts (including those added by earlier amendments) or its own. Example:
            {'accounts': [{'action_taken': 'banned', 'handle': '@trabajo.seguro.fake2',
            'platform_account_id': '1234567891', 'role': 'recruiter'}], 'content': [{'account_ref':
            '1234567891', 'content_type': 'post', 'preserved': True, 'removed': True, 'text_excerpt':
            'Buscamos chavos de 15 a 17, pago semanal'}], 'note': 'The recruiter opened a second
            account after the first was suspended, and now targets minors.', 'severity': 'critical'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AmendmentReceipt | Problem
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
    body: NewAmendment,
    idempotency_key: str | Unset = UNSET,
) -> Response[AmendmentReceipt | Problem]:
    """Amend a report: add accounts, content items or locations, raise its severity, with a note.

     Append-only: amendments are numbered 1, 2, … and the report as first submitted never
    changes. Validated like a report (422 with pointers into the amendment); new accounts must
    not repeat the report's, and `account_ref`s may name the report's accounts (with those of
    earlier amendments) or the amendment's own. `severity` must be higher than the current one.
    Sending the same amendment again answers 200 with its original receipt.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (NewAmendment): An amendment: a note, and any of more accounts, more content, more
            locations, a higher
            severity. Its lists follow the rules of the report's own lists; its `account_ref`s may
            name
            the report's accounts (including those added by earlier amendments) or its own. Example:
            {'accounts': [{'action_taken': 'banned', 'handle': '@trabajo.seguro.fake2',
            'platform_account_id': '1234567891', 'role': 'recruiter'}], 'content': [{'account_ref':
            '1234567891', 'content_type': 'post', 'preserved': True, 'removed': True, 'text_excerpt':
            'Buscamos chavos de 15 a 17, pago semanal'}], 'note': 'The recruiter opened a second
            account after the first was suspended, and now targets minors.', 'severity': 'critical'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AmendmentReceipt | Problem]
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
    body: NewAmendment,
    idempotency_key: str | Unset = UNSET,
) -> AmendmentReceipt | Problem | None:
    """Amend a report: add accounts, content items or locations, raise its severity, with a note.

     Append-only: amendments are numbered 1, 2, … and the report as first submitted never
    changes. Validated like a report (422 with pointers into the amendment); new accounts must
    not repeat the report's, and `account_ref`s may name the report's accounts (with those of
    earlier amendments) or the amendment's own. `severity` must be higher than the current one.
    Sending the same amendment again answers 200 with its original receipt.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (NewAmendment): An amendment: a note, and any of more accounts, more content, more
            locations, a higher
            severity. Its lists follow the rules of the report's own lists; its `account_ref`s may
            name
            the report's accounts (including those added by earlier amendments) or its own. Example:
            {'accounts': [{'action_taken': 'banned', 'handle': '@trabajo.seguro.fake2',
            'platform_account_id': '1234567891', 'role': 'recruiter'}], 'content': [{'account_ref':
            '1234567891', 'content_type': 'post', 'preserved': True, 'removed': True, 'text_excerpt':
            'Buscamos chavos de 15 a 17, pago semanal'}], 'note': 'The recruiter opened a second
            account after the first was suspended, and now targets minors.', 'severity': 'critical'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AmendmentReceipt | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
