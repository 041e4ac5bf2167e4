from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.category import Category
from ..models.credential_mode import CredentialMode
from ..models.severity import Severity
from ..models.submitter_status import SubmitterStatus

T = TypeVar("T", bound="ReportSummary")


@_attrs_define
class ReportSummary:
    """A line of the organization's report list.

    Attributes:
        category (Category): What kind of cartel activity the report is about.
        external_id (str): The organization's own identifier.
        id (str): The report's id.
        mode (CredentialMode): Whether a credential submits real reports or exercises the API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        received_at (datetime.datetime): When the portal stored the report (UTC).
        severity (Severity): How urgent the report is, ordered from `low` to `critical`.
        status (SubmitterStatus): The status a submitting organization sees: a referral is never disclosed to it.
    """

    category: Category
    external_id: str
    id: str
    mode: CredentialMode
    received_at: datetime.datetime
    severity: Severity
    status: SubmitterStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category.value

        external_id = self.external_id

        id = self.id

        mode = self.mode.value

        received_at = self.received_at.isoformat()

        severity = self.severity.value

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "external_id": external_id,
                "id": id,
                "mode": mode,
                "received_at": received_at,
                "severity": severity,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = Category(d.pop("category"))

        external_id = d.pop("external_id")

        id = d.pop("id")

        mode = CredentialMode(d.pop("mode"))

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        severity = Severity(d.pop("severity"))

        status = SubmitterStatus(d.pop("status"))

        report_summary = cls(
            category=category,
            external_id=external_id,
            id=id,
            mode=mode,
            received_at=received_at,
            severity=severity,
            status=status,
        )

        report_summary.additional_properties = d
        return report_summary

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
