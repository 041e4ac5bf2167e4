from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.category import Category
from ..models.detection_method import DetectionMethod
from ..models.indicator import Indicator
from ..models.severity import Severity
from ..models.suspected_group import SuspectedGroup
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.account import Account
    from ..models.content_item import ContentItem
    from ..models.location import Location
    from ..models.report_contact import ReportContact


T = TypeVar("T", bound="NewReport")


@_attrs_define
class NewReport:
    """A report of cartel activity on a platform, as submitted by that platform.

    Example:
        {'accounts': [{'action_taken': 'suspended', 'contact_handles': [{'type': 'whatsapp', 'value': '+52 33 0000
            0000'}], 'created_at': '2025-04-28T09:00:00Z', 'display_name': 'Example Jobs', 'follower_count': 1234, 'handle':
            '@example_jobs', 'platform_account_id': '1000000001', 'profile_url': 'https://video.example.com/@example_jobs',
            'role': 'recruiter'}, {'action_taken': 'content_removed', 'platform_account_id': '1000000002', 'role':
            'promoter'}], 'activity_end': '2025-05-19T23:59:59Z', 'activity_start': '2025-05-01T00:00:00Z', 'category':
            'recruitment', 'contact': {'email': 'trust-safety@example.com', 'name': 'Jane Example', 'phone': '+1 (555)
            010-0000'}, 'content': [{'account_ref': '1000000001', 'content_type': 'video', 'language': 'es-MX', 'md5':
            '00000000000000000000000000000001', 'pdq': 'f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0',
            'posted_at': '2025-05-18T21:15:00Z', 'preserved': True, 'removed': True, 'sha256':
            '0000000000000000000000000000000000000000000000000000000000000001', 'text_excerpt': 'Se busca personal de
            seguridad. Pago semanal. Informes por WhatsApp.', 'url': 'https://video.example.com/v/0000000001'}],
            'detected_at': '2025-05-20T14:30:00Z', 'detection_method': 'automated_detection', 'external_id':
            'EXAMPLE-2025-05-0001', 'indicators': ['payment_offer', 'job_advertisement', 'off_platform_contact'],
            'languages': ['es-MX', 'en'], 'locations': [{'country': 'MX', 'place': 'Guadalajara', 'subdivision': 'MX-JAL'}],
            'preservation_reference': 'PRES-EXAMPLE-0001', 'prior_report_ids': ['01970000-0000-7000-8000-000000000001'],
            'service': 'Example Video', 'severity': 'high', 'summary': "FICTIONAL EXAMPLE. An account posts videos offering
            USD 1,500 a week for 'security work' in Jalisco and asks applicants to continue on WhatsApp.",
            'suspected_groups': ['cjng']}

    Attributes:
        accounts (list[Account]): The accounts involved; their `platform_account_id`s are unique within the report.
        category (Category): What kind of cartel activity the report is about.
        contact (ReportContact): The person at the platform to contact about a report.
        detected_at (datetime.datetime): When the platform detected the activity; not in the future.
        detection_method (DetectionMethod): How the platform came to know of the activity.
        external_id (str): The platform's own identifier of this report.
        service (str): The product of the platform where the activity happened, e.g. a video app.
        severity (Severity): How urgent the report is, ordered from `low` to `critical`.
        summary (str): What happened, in the reporter's words.
        activity_end (datetime.datetime | None | Unset): When the activity last happened, as far as known; not before
            `activity_start` nor in the future.
        activity_start (datetime.datetime | None | Unset): When the activity began, as far as known; not in the future.
        category_other (None | str | Unset): The reporter's own name for the category; given exactly when `category` is
            `other`.
        content (list[ContentItem] | Unset): The pieces of content involved.
        indicators (list[Indicator] | Unset): The signs observed in the activity, each at most once.
        languages (list[str] | Unset): The languages used, as BCP 47 tags such as `es-MX`.
        locations (list[Location] | Unset): Where the activity is aimed at or takes place.
        preservation_reference (None | str | Unset): The platform's reference for data it preserved, e.g. under a
            preservation request.
        prior_report_ids (list[UUID] | Unset): Earlier reports on the same activity, each at most once.
        suspected_groups (list[SuspectedGroup] | Unset): The groups the reporter believes are behind the activity, each
            at most once.
    """

    accounts: list[Account]
    category: Category
    contact: ReportContact
    detected_at: datetime.datetime
    detection_method: DetectionMethod
    external_id: str
    service: str
    severity: Severity
    summary: str
    activity_end: datetime.datetime | None | Unset = UNSET
    activity_start: datetime.datetime | None | Unset = UNSET
    category_other: None | str | Unset = UNSET
    content: list[ContentItem] | Unset = UNSET
    indicators: list[Indicator] | Unset = UNSET
    languages: list[str] | Unset = UNSET
    locations: list[Location] | Unset = UNSET
    preservation_reference: None | str | Unset = UNSET
    prior_report_ids: list[UUID] | Unset = UNSET
    suspected_groups: list[SuspectedGroup] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        accounts = []
        for accounts_item_data in self.accounts:
            accounts_item = accounts_item_data.to_dict()
            accounts.append(accounts_item)

        category = self.category.value

        contact = self.contact.to_dict()

        detected_at = self.detected_at.isoformat()

        detection_method = self.detection_method.value

        external_id = self.external_id

        service = self.service

        severity = self.severity.value

        summary = self.summary

        activity_end: None | str | Unset
        if isinstance(self.activity_end, Unset):
            activity_end = UNSET
        elif isinstance(self.activity_end, datetime.datetime):
            activity_end = self.activity_end.isoformat()
        else:
            activity_end = self.activity_end

        activity_start: None | str | Unset
        if isinstance(self.activity_start, Unset):
            activity_start = UNSET
        elif isinstance(self.activity_start, datetime.datetime):
            activity_start = self.activity_start.isoformat()
        else:
            activity_start = self.activity_start

        category_other: None | str | Unset
        if isinstance(self.category_other, Unset):
            category_other = UNSET
        else:
            category_other = self.category_other

        content: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.content, Unset):
            content = []
            for content_item_data in self.content:
                content_item = content_item_data.to_dict()
                content.append(content_item)

        indicators: list[str] | Unset = UNSET
        if not isinstance(self.indicators, Unset):
            indicators = []
            for indicators_item_data in self.indicators:
                indicators_item = indicators_item_data.value
                indicators.append(indicators_item)

        languages: list[str] | Unset = UNSET
        if not isinstance(self.languages, Unset):
            languages = self.languages

        locations: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.locations, Unset):
            locations = []
            for locations_item_data in self.locations:
                locations_item = locations_item_data.to_dict()
                locations.append(locations_item)

        preservation_reference: None | str | Unset
        if isinstance(self.preservation_reference, Unset):
            preservation_reference = UNSET
        else:
            preservation_reference = self.preservation_reference

        prior_report_ids: list[str] | Unset = UNSET
        if not isinstance(self.prior_report_ids, Unset):
            prior_report_ids = []
            for prior_report_ids_item_data in self.prior_report_ids:
                prior_report_ids_item = str(prior_report_ids_item_data)
                prior_report_ids.append(prior_report_ids_item)

        suspected_groups: list[str] | Unset = UNSET
        if not isinstance(self.suspected_groups, Unset):
            suspected_groups = []
            for suspected_groups_item_data in self.suspected_groups:
                suspected_groups_item = suspected_groups_item_data.value
                suspected_groups.append(suspected_groups_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "accounts": accounts,
                "category": category,
                "contact": contact,
                "detected_at": detected_at,
                "detection_method": detection_method,
                "external_id": external_id,
                "service": service,
                "severity": severity,
                "summary": summary,
            }
        )
        if activity_end is not UNSET:
            field_dict["activity_end"] = activity_end
        if activity_start is not UNSET:
            field_dict["activity_start"] = activity_start
        if category_other is not UNSET:
            field_dict["category_other"] = category_other
        if content is not UNSET:
            field_dict["content"] = content
        if indicators is not UNSET:
            field_dict["indicators"] = indicators
        if languages is not UNSET:
            field_dict["languages"] = languages
        if locations is not UNSET:
            field_dict["locations"] = locations
        if preservation_reference is not UNSET:
            field_dict["preservation_reference"] = preservation_reference
        if prior_report_ids is not UNSET:
            field_dict["prior_report_ids"] = prior_report_ids
        if suspected_groups is not UNSET:
            field_dict["suspected_groups"] = suspected_groups

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.account import Account  # noqa: PLC0415
        from ..models.content_item import ContentItem  # noqa: PLC0415
        from ..models.location import Location  # noqa: PLC0415
        from ..models.report_contact import ReportContact  # noqa: PLC0415

        d = dict(src_dict)
        accounts = []
        _accounts = d.pop("accounts")
        for accounts_item_data in _accounts:
            accounts_item = Account.from_dict(accounts_item_data)

            accounts.append(accounts_item)

        category = Category(d.pop("category"))

        contact = ReportContact.from_dict(d.pop("contact"))

        detected_at = datetime.datetime.fromisoformat(d.pop("detected_at"))

        detection_method = DetectionMethod(d.pop("detection_method"))

        external_id = d.pop("external_id")

        service = d.pop("service")

        severity = Severity(d.pop("severity"))

        summary = d.pop("summary")

        def _parse_activity_end(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                activity_end_type_0 = datetime.datetime.fromisoformat(data)

                return activity_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        activity_end = _parse_activity_end(d.pop("activity_end", UNSET))

        def _parse_activity_start(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                activity_start_type_0 = datetime.datetime.fromisoformat(data)

                return activity_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        activity_start = _parse_activity_start(d.pop("activity_start", UNSET))

        def _parse_category_other(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        category_other = _parse_category_other(d.pop("category_other", UNSET))

        _content = d.pop("content", UNSET)
        content: list[ContentItem] | Unset = UNSET
        if _content is not UNSET:
            content = []
            for content_item_data in _content:
                content_item = ContentItem.from_dict(content_item_data)

                content.append(content_item)

        _indicators = d.pop("indicators", UNSET)
        indicators: list[Indicator] | Unset = UNSET
        if _indicators is not UNSET:
            indicators = []
            for indicators_item_data in _indicators:
                indicators_item = Indicator(indicators_item_data)

                indicators.append(indicators_item)

        languages = cast(list[str], d.pop("languages", UNSET))

        _locations = d.pop("locations", UNSET)
        locations: list[Location] | Unset = UNSET
        if _locations is not UNSET:
            locations = []
            for locations_item_data in _locations:
                locations_item = Location.from_dict(locations_item_data)

                locations.append(locations_item)

        def _parse_preservation_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        preservation_reference = _parse_preservation_reference(d.pop("preservation_reference", UNSET))

        _prior_report_ids = d.pop("prior_report_ids", UNSET)
        prior_report_ids: list[UUID] | Unset = UNSET
        if _prior_report_ids is not UNSET:
            prior_report_ids = []
            for prior_report_ids_item_data in _prior_report_ids:
                prior_report_ids_item = UUID(prior_report_ids_item_data)

                prior_report_ids.append(prior_report_ids_item)

        _suspected_groups = d.pop("suspected_groups", UNSET)
        suspected_groups: list[SuspectedGroup] | Unset = UNSET
        if _suspected_groups is not UNSET:
            suspected_groups = []
            for suspected_groups_item_data in _suspected_groups:
                suspected_groups_item = SuspectedGroup(suspected_groups_item_data)

                suspected_groups.append(suspected_groups_item)

        new_report = cls(
            accounts=accounts,
            category=category,
            contact=contact,
            detected_at=detected_at,
            detection_method=detection_method,
            external_id=external_id,
            service=service,
            severity=severity,
            summary=summary,
            activity_end=activity_end,
            activity_start=activity_start,
            category_other=category_other,
            content=content,
            indicators=indicators,
            languages=languages,
            locations=locations,
            preservation_reference=preservation_reference,
            prior_report_ids=prior_report_ids,
            suspected_groups=suspected_groups,
        )

        return new_report
