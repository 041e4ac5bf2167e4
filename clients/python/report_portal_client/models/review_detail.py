from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.category import Category
from ..models.credential_mode import CredentialMode
from ..models.report_status import ReportStatus
from ..models.resolution import Resolution
from ..models.severity import Severity
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.amendment import Amendment
    from ..models.evidence import Evidence
    from ..models.legal_hold import LegalHold
    from ..models.new_report import NewReport
    from ..models.note import Note
    from ..models.referral import Referral
    from ..models.related_counts import RelatedCounts
    from ..models.timeline_event import TimelineEvent


T = TypeVar("T", bound="ReviewDetail")


@_attrs_define
class ReviewDetail:
    """Everything about a report, for analysts.

    Attributes:
        category (Category): What kind of cartel activity the report is about.
        external_id (str): The organization's own identifier.
        id (str): The report's id.
        mode (CredentialMode): Whether a credential submits real reports or exercises the API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        organization_id (str): The submitting organization.
        received_at (datetime.datetime): When the portal stored it (UTC).
        service (str): Where the activity was seen.
        severity (Severity): How urgent the report is, ordered from `low` to `critical`.
        status (ReportStatus): The status of a report as DHS works it.
        amendments (list[Amendment]): The submitter's amendments, oldest first.
        body_sha256 (str): SHA-256 of the body as received.
        evidence (list[Evidence]): The evidence files, oldest first.
        notes (list[Note]): Internal notes, oldest first.
        organization_name (str): The submitting organization's name.
        related_counts (RelatedCounts): How many other reports share an indicator with a report.
        report (NewReport): A report of cartel activity on a platform, as submitted by that platform. Example:
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
            'suspected_groups': ['cjng']}.
        timeline (list[TimelineEvent]): Every change, oldest first.
        assignee_id (None | str | Unset): Who is working it.
        legal_hold (LegalHold | None | Unset):
        referral (None | Referral | Unset):
        released_at (datetime.datetime | None | Unset): When a supervisor released the (referred or actioned) report for
            purge.
        resolution (None | Resolution | Unset):
    """

    category: Category
    external_id: str
    id: str
    mode: CredentialMode
    organization_id: str
    received_at: datetime.datetime
    service: str
    severity: Severity
    status: ReportStatus
    amendments: list[Amendment]
    body_sha256: str
    evidence: list[Evidence]
    notes: list[Note]
    organization_name: str
    related_counts: RelatedCounts
    report: NewReport
    timeline: list[TimelineEvent]
    assignee_id: None | str | Unset = UNSET
    legal_hold: LegalHold | None | Unset = UNSET
    referral: None | Referral | Unset = UNSET
    released_at: datetime.datetime | None | Unset = UNSET
    resolution: None | Resolution | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.legal_hold import LegalHold  # noqa: PLC0415
        from ..models.referral import Referral  # noqa: PLC0415

        category = self.category.value

        external_id = self.external_id

        id = self.id

        mode = self.mode.value

        organization_id = self.organization_id

        received_at = self.received_at.isoformat()

        service = self.service

        severity = self.severity.value

        status = self.status.value

        amendments = []
        for amendments_item_data in self.amendments:
            amendments_item = amendments_item_data.to_dict()
            amendments.append(amendments_item)

        body_sha256 = self.body_sha256

        evidence = []
        for evidence_item_data in self.evidence:
            evidence_item = evidence_item_data.to_dict()
            evidence.append(evidence_item)

        notes = []
        for notes_item_data in self.notes:
            notes_item = notes_item_data.to_dict()
            notes.append(notes_item)

        organization_name = self.organization_name

        related_counts = self.related_counts.to_dict()

        report = self.report.to_dict()

        timeline = []
        for timeline_item_data in self.timeline:
            timeline_item = timeline_item_data.to_dict()
            timeline.append(timeline_item)

        assignee_id: None | str | Unset
        if isinstance(self.assignee_id, Unset):
            assignee_id = UNSET
        else:
            assignee_id = self.assignee_id

        legal_hold: dict[str, Any] | None | Unset
        if isinstance(self.legal_hold, Unset):
            legal_hold = UNSET
        elif isinstance(self.legal_hold, LegalHold):
            legal_hold = self.legal_hold.to_dict()
        else:
            legal_hold = self.legal_hold

        referral: dict[str, Any] | None | Unset
        if isinstance(self.referral, Unset):
            referral = UNSET
        elif isinstance(self.referral, Referral):
            referral = self.referral.to_dict()
        else:
            referral = self.referral

        released_at: None | str | Unset
        if isinstance(self.released_at, Unset):
            released_at = UNSET
        elif isinstance(self.released_at, datetime.datetime):
            released_at = self.released_at.isoformat()
        else:
            released_at = self.released_at

        resolution: None | str | Unset
        if isinstance(self.resolution, Unset):
            resolution = UNSET
        elif isinstance(self.resolution, Resolution):
            resolution = self.resolution.value
        else:
            resolution = self.resolution

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "external_id": external_id,
                "id": id,
                "mode": mode,
                "organization_id": organization_id,
                "received_at": received_at,
                "service": service,
                "severity": severity,
                "status": status,
                "amendments": amendments,
                "body_sha256": body_sha256,
                "evidence": evidence,
                "notes": notes,
                "organization_name": organization_name,
                "related_counts": related_counts,
                "report": report,
                "timeline": timeline,
            }
        )
        if assignee_id is not UNSET:
            field_dict["assignee_id"] = assignee_id
        if legal_hold is not UNSET:
            field_dict["legal_hold"] = legal_hold
        if referral is not UNSET:
            field_dict["referral"] = referral
        if released_at is not UNSET:
            field_dict["released_at"] = released_at
        if resolution is not UNSET:
            field_dict["resolution"] = resolution

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.amendment import Amendment  # noqa: PLC0415
        from ..models.evidence import Evidence  # noqa: PLC0415
        from ..models.legal_hold import LegalHold  # noqa: PLC0415
        from ..models.new_report import NewReport  # noqa: PLC0415
        from ..models.note import Note  # noqa: PLC0415
        from ..models.referral import Referral  # noqa: PLC0415
        from ..models.related_counts import RelatedCounts  # noqa: PLC0415
        from ..models.timeline_event import TimelineEvent  # noqa: PLC0415

        d = dict(src_dict)
        category = Category(d.pop("category"))

        external_id = d.pop("external_id")

        id = d.pop("id")

        mode = CredentialMode(d.pop("mode"))

        organization_id = d.pop("organization_id")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        service = d.pop("service")

        severity = Severity(d.pop("severity"))

        status = ReportStatus(d.pop("status"))

        amendments = []
        _amendments = d.pop("amendments")
        for amendments_item_data in _amendments:
            amendments_item = Amendment.from_dict(amendments_item_data)

            amendments.append(amendments_item)

        body_sha256 = d.pop("body_sha256")

        evidence = []
        _evidence = d.pop("evidence")
        for evidence_item_data in _evidence:
            evidence_item = Evidence.from_dict(evidence_item_data)

            evidence.append(evidence_item)

        notes = []
        _notes = d.pop("notes")
        for notes_item_data in _notes:
            notes_item = Note.from_dict(notes_item_data)

            notes.append(notes_item)

        organization_name = d.pop("organization_name")

        related_counts = RelatedCounts.from_dict(d.pop("related_counts"))

        report = NewReport.from_dict(d.pop("report"))

        timeline = []
        _timeline = d.pop("timeline")
        for timeline_item_data in _timeline:
            timeline_item = TimelineEvent.from_dict(timeline_item_data)

            timeline.append(timeline_item)

        def _parse_assignee_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        assignee_id = _parse_assignee_id(d.pop("assignee_id", UNSET))

        def _parse_legal_hold(data: object) -> LegalHold | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                legal_hold_type_1 = LegalHold.from_dict(data)

                return legal_hold_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LegalHold | None | Unset, data)

        legal_hold = _parse_legal_hold(d.pop("legal_hold", UNSET))

        def _parse_referral(data: object) -> None | Referral | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                referral_type_1 = Referral.from_dict(data)

                return referral_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Referral | Unset, data)

        referral = _parse_referral(d.pop("referral", UNSET))

        def _parse_released_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                released_at_type_0 = datetime.datetime.fromisoformat(data)

                return released_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        released_at = _parse_released_at(d.pop("released_at", UNSET))

        def _parse_resolution(data: object) -> None | Resolution | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolution_type_1 = Resolution(data)

                return resolution_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Resolution | Unset, data)

        resolution = _parse_resolution(d.pop("resolution", UNSET))

        review_detail = cls(
            category=category,
            external_id=external_id,
            id=id,
            mode=mode,
            organization_id=organization_id,
            received_at=received_at,
            service=service,
            severity=severity,
            status=status,
            amendments=amendments,
            body_sha256=body_sha256,
            evidence=evidence,
            notes=notes,
            organization_name=organization_name,
            related_counts=related_counts,
            report=report,
            timeline=timeline,
            assignee_id=assignee_id,
            legal_hold=legal_hold,
            referral=referral,
            released_at=released_at,
            resolution=resolution,
        )

        review_detail.additional_properties = d
        return review_detail

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
