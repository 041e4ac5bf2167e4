from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.credential_mode import CredentialMode
from ..models.submitter_status import SubmitterStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.amendment import Amendment
    from ..models.new_report import NewReport
    from ..models.report_feedback import ReportFeedback


T = TypeVar("T", bound="SubmittedReport")


@_attrs_define
class SubmittedReport:
    """One of the organization's reports, as it submitted it.

    Attributes:
        body_sha256 (str): SHA-256 (hex) of the body as received, in canonical JSON (keys sorted, no spaces).
        external_id (str): The organization's own identifier for the report.
        id (str): The report's id (UUIDv7).
        mode (CredentialMode): Whether a credential submits real reports or exercises the API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        receipt (str): The portal's signed receipt: a compact JWS (`typ` `report-receipt+jwt`, EdDSA,
            verifiable with `/.well-known/jwks.json`) over the report id, organization id,
            `external_id`, `body_sha256` and `received_at`. The same on every replay.
        received_at (datetime.datetime): When the portal stored the report (UTC).
        status (SubmitterStatus): The status a submitting organization sees: a referral is never disclosed to it.
        amendments (list[Amendment]): The amendments, oldest first.
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
        feedback (None | ReportFeedback | Unset):
    """

    body_sha256: str
    external_id: str
    id: str
    mode: CredentialMode
    receipt: str
    received_at: datetime.datetime
    status: SubmitterStatus
    amendments: list[Amendment]
    report: NewReport
    feedback: None | ReportFeedback | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.report_feedback import ReportFeedback  # noqa: PLC0415

        body_sha256 = self.body_sha256

        external_id = self.external_id

        id = self.id

        mode = self.mode.value

        receipt = self.receipt

        received_at = self.received_at.isoformat()

        status = self.status.value

        amendments = []
        for amendments_item_data in self.amendments:
            amendments_item = amendments_item_data.to_dict()
            amendments.append(amendments_item)

        report = self.report.to_dict()

        feedback: dict[str, Any] | None | Unset
        if isinstance(self.feedback, Unset):
            feedback = UNSET
        elif isinstance(self.feedback, ReportFeedback):
            feedback = self.feedback.to_dict()
        else:
            feedback = self.feedback

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "body_sha256": body_sha256,
                "external_id": external_id,
                "id": id,
                "mode": mode,
                "receipt": receipt,
                "received_at": received_at,
                "status": status,
                "amendments": amendments,
                "report": report,
            }
        )
        if feedback is not UNSET:
            field_dict["feedback"] = feedback

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.amendment import Amendment  # noqa: PLC0415
        from ..models.new_report import NewReport  # noqa: PLC0415
        from ..models.report_feedback import ReportFeedback  # noqa: PLC0415

        d = dict(src_dict)
        body_sha256 = d.pop("body_sha256")

        external_id = d.pop("external_id")

        id = d.pop("id")

        mode = CredentialMode(d.pop("mode"))

        receipt = d.pop("receipt")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        status = SubmitterStatus(d.pop("status"))

        amendments = []
        _amendments = d.pop("amendments")
        for amendments_item_data in _amendments:
            amendments_item = Amendment.from_dict(amendments_item_data)

            amendments.append(amendments_item)

        report = NewReport.from_dict(d.pop("report"))

        def _parse_feedback(data: object) -> None | ReportFeedback | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                feedback_type_1 = ReportFeedback.from_dict(data)

                return feedback_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReportFeedback | Unset, data)

        feedback = _parse_feedback(d.pop("feedback", UNSET))

        submitted_report = cls(
            body_sha256=body_sha256,
            external_id=external_id,
            id=id,
            mode=mode,
            receipt=receipt,
            received_at=received_at,
            status=status,
            amendments=amendments,
            report=report,
            feedback=feedback,
        )

        submitted_report.additional_properties = d
        return submitted_report

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
