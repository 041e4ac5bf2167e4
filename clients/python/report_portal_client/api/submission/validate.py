from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.new_report import NewReport
from ...models.problem import Problem
from ...models.verdict import Verdict
from ...types import Response


def _get_kwargs(
    *,
    body: NewReport,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/reports/validate",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Verdict | None:
    if response.status_code == 200:
        response_200 = Verdict.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Verdict]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: NewReport,
) -> Response[Problem | Verdict]:
    """Check a report without submitting it.

     Judges the report exactly as `POST /reports` would (every rule, the cross-field ones,
    `prior_report_ids`, an `external_id` already used) and stores nothing: 200 with the status
    the submission would answer (201 or 200 for a replay), or the very problem document the
    submission would get (409, 410, 422).

    Args:
        body (NewReport): A report of cartel activity on a platform, as submitted by that
            platform. Example: {'accounts': [{'action_taken': 'suspended', 'contact_handles':
            [{'type': 'whatsapp', 'value': '+52 33 0000 0000'}], 'created_at': '2025-04-28T09:00:00Z',
            'display_name': 'Example Jobs', 'follower_count': 1234, 'handle': '@example_jobs',
            'platform_account_id': '1000000001', 'profile_url':
            'https://video.example.com/@example_jobs', 'role': 'recruiter'}, {'action_taken':
            'content_removed', 'platform_account_id': '1000000002', 'role': 'promoter'}],
            'activity_end': '2025-05-19T23:59:59Z', 'activity_start': '2025-05-01T00:00:00Z',
            'category': 'recruitment', 'contact': {'email': 'trust-safety@example.com', 'name': 'Jane
            Example', 'phone': '+1 (555) 010-0000'}, 'content': [{'account_ref': '1000000001',
            'content_type': 'video', 'language': 'es-MX', 'md5': '00000000000000000000000000000001',
            'pdq': 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0', 'posted_at':
            '2025-05-18T21:15:00Z', 'preserved': True, 'removed': True, 'sha256':
            '0000000000000000000000000000000000000000000000000000000000000001', 'text_excerpt': 'Se
            busca personal de seguridad. Pago semanal. Informes por WhatsApp.', 'url':
            'https://video.example.com/v/0000000001'}], 'detected_at': '2025-05-20T14:30:00Z',
            'detection_method': 'automated_detection', 'external_id': 'EXAMPLE-2025-05-0001',
            'indicators': ['payment_offer', 'job_advertisement', 'off_platform_contact'], 'languages':
            ['es-MX', 'en'], 'locations': [{'country': 'MX', 'place': 'Guadalajara', 'subdivision':
            'MX-JAL'}], 'preservation_reference': 'PRES-EXAMPLE-0001', 'prior_report_ids':
            ['01970000-0000-7000-8000-000000000001'], 'service': 'Example Video', 'severity': 'high',
            'summary': "FICTIONAL EXAMPLE. An account posts videos offering USD 1,500 a week for
            'security work' in Jalisco and asks applicants to continue on WhatsApp.",
            'suspected_groups': ['cjng']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Verdict]
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
    body: NewReport,
) -> Problem | Verdict | None:
    """Check a report without submitting it.

     Judges the report exactly as `POST /reports` would (every rule, the cross-field ones,
    `prior_report_ids`, an `external_id` already used) and stores nothing: 200 with the status
    the submission would answer (201 or 200 for a replay), or the very problem document the
    submission would get (409, 410, 422).

    Args:
        body (NewReport): A report of cartel activity on a platform, as submitted by that
            platform. Example: {'accounts': [{'action_taken': 'suspended', 'contact_handles':
            [{'type': 'whatsapp', 'value': '+52 33 0000 0000'}], 'created_at': '2025-04-28T09:00:00Z',
            'display_name': 'Example Jobs', 'follower_count': 1234, 'handle': '@example_jobs',
            'platform_account_id': '1000000001', 'profile_url':
            'https://video.example.com/@example_jobs', 'role': 'recruiter'}, {'action_taken':
            'content_removed', 'platform_account_id': '1000000002', 'role': 'promoter'}],
            'activity_end': '2025-05-19T23:59:59Z', 'activity_start': '2025-05-01T00:00:00Z',
            'category': 'recruitment', 'contact': {'email': 'trust-safety@example.com', 'name': 'Jane
            Example', 'phone': '+1 (555) 010-0000'}, 'content': [{'account_ref': '1000000001',
            'content_type': 'video', 'language': 'es-MX', 'md5': '00000000000000000000000000000001',
            'pdq': 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0', 'posted_at':
            '2025-05-18T21:15:00Z', 'preserved': True, 'removed': True, 'sha256':
            '0000000000000000000000000000000000000000000000000000000000000001', 'text_excerpt': 'Se
            busca personal de seguridad. Pago semanal. Informes por WhatsApp.', 'url':
            'https://video.example.com/v/0000000001'}], 'detected_at': '2025-05-20T14:30:00Z',
            'detection_method': 'automated_detection', 'external_id': 'EXAMPLE-2025-05-0001',
            'indicators': ['payment_offer', 'job_advertisement', 'off_platform_contact'], 'languages':
            ['es-MX', 'en'], 'locations': [{'country': 'MX', 'place': 'Guadalajara', 'subdivision':
            'MX-JAL'}], 'preservation_reference': 'PRES-EXAMPLE-0001', 'prior_report_ids':
            ['01970000-0000-7000-8000-000000000001'], 'service': 'Example Video', 'severity': 'high',
            'summary': "FICTIONAL EXAMPLE. An account posts videos offering USD 1,500 a week for
            'security work' in Jalisco and asks applicants to continue on WhatsApp.",
            'suspected_groups': ['cjng']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Verdict
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: NewReport,
) -> Response[Problem | Verdict]:
    """Check a report without submitting it.

     Judges the report exactly as `POST /reports` would (every rule, the cross-field ones,
    `prior_report_ids`, an `external_id` already used) and stores nothing: 200 with the status
    the submission would answer (201 or 200 for a replay), or the very problem document the
    submission would get (409, 410, 422).

    Args:
        body (NewReport): A report of cartel activity on a platform, as submitted by that
            platform. Example: {'accounts': [{'action_taken': 'suspended', 'contact_handles':
            [{'type': 'whatsapp', 'value': '+52 33 0000 0000'}], 'created_at': '2025-04-28T09:00:00Z',
            'display_name': 'Example Jobs', 'follower_count': 1234, 'handle': '@example_jobs',
            'platform_account_id': '1000000001', 'profile_url':
            'https://video.example.com/@example_jobs', 'role': 'recruiter'}, {'action_taken':
            'content_removed', 'platform_account_id': '1000000002', 'role': 'promoter'}],
            'activity_end': '2025-05-19T23:59:59Z', 'activity_start': '2025-05-01T00:00:00Z',
            'category': 'recruitment', 'contact': {'email': 'trust-safety@example.com', 'name': 'Jane
            Example', 'phone': '+1 (555) 010-0000'}, 'content': [{'account_ref': '1000000001',
            'content_type': 'video', 'language': 'es-MX', 'md5': '00000000000000000000000000000001',
            'pdq': 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0', 'posted_at':
            '2025-05-18T21:15:00Z', 'preserved': True, 'removed': True, 'sha256':
            '0000000000000000000000000000000000000000000000000000000000000001', 'text_excerpt': 'Se
            busca personal de seguridad. Pago semanal. Informes por WhatsApp.', 'url':
            'https://video.example.com/v/0000000001'}], 'detected_at': '2025-05-20T14:30:00Z',
            'detection_method': 'automated_detection', 'external_id': 'EXAMPLE-2025-05-0001',
            'indicators': ['payment_offer', 'job_advertisement', 'off_platform_contact'], 'languages':
            ['es-MX', 'en'], 'locations': [{'country': 'MX', 'place': 'Guadalajara', 'subdivision':
            'MX-JAL'}], 'preservation_reference': 'PRES-EXAMPLE-0001', 'prior_report_ids':
            ['01970000-0000-7000-8000-000000000001'], 'service': 'Example Video', 'severity': 'high',
            'summary': "FICTIONAL EXAMPLE. An account posts videos offering USD 1,500 a week for
            'security work' in Jalisco and asks applicants to continue on WhatsApp.",
            'suspected_groups': ['cjng']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Verdict]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: NewReport,
) -> Problem | Verdict | None:
    """Check a report without submitting it.

     Judges the report exactly as `POST /reports` would (every rule, the cross-field ones,
    `prior_report_ids`, an `external_id` already used) and stores nothing: 200 with the status
    the submission would answer (201 or 200 for a replay), or the very problem document the
    submission would get (409, 410, 422).

    Args:
        body (NewReport): A report of cartel activity on a platform, as submitted by that
            platform. Example: {'accounts': [{'action_taken': 'suspended', 'contact_handles':
            [{'type': 'whatsapp', 'value': '+52 33 0000 0000'}], 'created_at': '2025-04-28T09:00:00Z',
            'display_name': 'Example Jobs', 'follower_count': 1234, 'handle': '@example_jobs',
            'platform_account_id': '1000000001', 'profile_url':
            'https://video.example.com/@example_jobs', 'role': 'recruiter'}, {'action_taken':
            'content_removed', 'platform_account_id': '1000000002', 'role': 'promoter'}],
            'activity_end': '2025-05-19T23:59:59Z', 'activity_start': '2025-05-01T00:00:00Z',
            'category': 'recruitment', 'contact': {'email': 'trust-safety@example.com', 'name': 'Jane
            Example', 'phone': '+1 (555) 010-0000'}, 'content': [{'account_ref': '1000000001',
            'content_type': 'video', 'language': 'es-MX', 'md5': '00000000000000000000000000000001',
            'pdq': 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0', 'posted_at':
            '2025-05-18T21:15:00Z', 'preserved': True, 'removed': True, 'sha256':
            '0000000000000000000000000000000000000000000000000000000000000001', 'text_excerpt': 'Se
            busca personal de seguridad. Pago semanal. Informes por WhatsApp.', 'url':
            'https://video.example.com/v/0000000001'}], 'detected_at': '2025-05-20T14:30:00Z',
            'detection_method': 'automated_detection', 'external_id': 'EXAMPLE-2025-05-0001',
            'indicators': ['payment_offer', 'job_advertisement', 'off_platform_contact'], 'languages':
            ['es-MX', 'en'], 'locations': [{'country': 'MX', 'place': 'Guadalajara', 'subdivision':
            'MX-JAL'}], 'preservation_reference': 'PRES-EXAMPLE-0001', 'prior_report_ids':
            ['01970000-0000-7000-8000-000000000001'], 'service': 'Example Video', 'severity': 'high',
            'summary': "FICTIONAL EXAMPLE. An account posts videos offering USD 1,500 a week for
            'security work' in Jalisco and asks applicants to continue on WhatsApp.",
            'suspected_groups': ['cjng']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Verdict
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
