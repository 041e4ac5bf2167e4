from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.evidence import Evidence
from ...models.evidence_upload import EvidenceUpload
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: str,
    *,
    body: EvidenceUpload,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/reports/{id}/evidence".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Evidence | Problem | None:
    if response.status_code == 200:
        response_200 = Evidence.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Evidence.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Evidence | Problem]:
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
    body: EvidenceUpload,
    idempotency_key: str | Unset = UNSET,
) -> Response[Evidence | Problem]:
    """Attach an evidence file to a report.

     One file per request, as `multipart/form-data` with the field `file`, and optionally
    `sha256` (checked: a mismatch is 422), `content_index` and `description`, each at most once
    and at most 8 KiB (422 otherwise). The file's type is found from its bytes, not from its
    name or declared type, and must be an image, video, audio, PDF, plain text or HTML file (422
    otherwise). Stored encrypted. The whole body, chunked or not, may be at most
    `max_evidence_bytes` plus 64 KiB (413 beyond). The same bytes sent again for the same report
    are stored once: the answer is then 200 with the first upload.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (EvidenceUpload): The form of an evidence upload (`multipart/form-data`); a field not
            listed here is refused.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Evidence | Problem]
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
    body: EvidenceUpload,
    idempotency_key: str | Unset = UNSET,
) -> Evidence | Problem | None:
    """Attach an evidence file to a report.

     One file per request, as `multipart/form-data` with the field `file`, and optionally
    `sha256` (checked: a mismatch is 422), `content_index` and `description`, each at most once
    and at most 8 KiB (422 otherwise). The file's type is found from its bytes, not from its
    name or declared type, and must be an image, video, audio, PDF, plain text or HTML file (422
    otherwise). Stored encrypted. The whole body, chunked or not, may be at most
    `max_evidence_bytes` plus 64 KiB (413 beyond). The same bytes sent again for the same report
    are stored once: the answer is then 200 with the first upload.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (EvidenceUpload): The form of an evidence upload (`multipart/form-data`); a field not
            listed here is refused.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Evidence | Problem
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
    body: EvidenceUpload,
    idempotency_key: str | Unset = UNSET,
) -> Response[Evidence | Problem]:
    """Attach an evidence file to a report.

     One file per request, as `multipart/form-data` with the field `file`, and optionally
    `sha256` (checked: a mismatch is 422), `content_index` and `description`, each at most once
    and at most 8 KiB (422 otherwise). The file's type is found from its bytes, not from its
    name or declared type, and must be an image, video, audio, PDF, plain text or HTML file (422
    otherwise). Stored encrypted. The whole body, chunked or not, may be at most
    `max_evidence_bytes` plus 64 KiB (413 beyond). The same bytes sent again for the same report
    are stored once: the answer is then 200 with the first upload.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (EvidenceUpload): The form of an evidence upload (`multipart/form-data`); a field not
            listed here is refused.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Evidence | Problem]
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
    body: EvidenceUpload,
    idempotency_key: str | Unset = UNSET,
) -> Evidence | Problem | None:
    """Attach an evidence file to a report.

     One file per request, as `multipart/form-data` with the field `file`, and optionally
    `sha256` (checked: a mismatch is 422), `content_index` and `description`, each at most once
    and at most 8 KiB (422 otherwise). The file's type is found from its bytes, not from its
    name or declared type, and must be an image, video, audio, PDF, plain text or HTML file (422
    otherwise). Stored encrypted. The whole body, chunked or not, may be at most
    `max_evidence_bytes` plus 64 KiB (413 beyond). The same bytes sent again for the same report
    are stored once: the answer is then 200 with the first upload.

    Args:
        id (str):
        idempotency_key (str | Unset):
        body (EvidenceUpload): The form of an evidence upload (`multipart/form-data`); a field not
            listed here is refused.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Evidence | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
