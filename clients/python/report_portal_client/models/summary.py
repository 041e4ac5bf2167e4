from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.cell import Cell
    from ..models.summary_by_category import SummaryByCategory
    from ..models.summary_by_severity import SummaryBySeverity
    from ..models.summary_by_status import SummaryByStatus


T = TypeVar("T", bound="Summary")


@_attrs_define
class Summary:
    """`GET /stats/summary`.

    Attributes:
        by_category (SummaryByCategory): Reports by category.
        by_severity (SummaryBySeverity): Reports by severity.
        by_status (SummaryByStatus): Reports by current status.
        from_ (datetime.date): First day counted.
        received (Cell): A count as shown: `null` with `suppressed: true` when hidden from an auditor.
        suppression_applied (bool): Whether any count was suppressed.
        to (datetime.date): First day not counted.
    """

    by_category: SummaryByCategory
    by_severity: SummaryBySeverity
    by_status: SummaryByStatus
    from_: datetime.date
    received: Cell
    suppression_applied: bool
    to: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        by_category = self.by_category.to_dict()

        by_severity = self.by_severity.to_dict()

        by_status = self.by_status.to_dict()

        from_ = self.from_.isoformat()

        received = self.received.to_dict()

        suppression_applied = self.suppression_applied

        to = self.to.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "by_category": by_category,
                "by_severity": by_severity,
                "by_status": by_status,
                "from": from_,
                "received": received,
                "suppression_applied": suppression_applied,
                "to": to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cell import Cell  # noqa: PLC0415
        from ..models.summary_by_category import SummaryByCategory  # noqa: PLC0415
        from ..models.summary_by_severity import SummaryBySeverity  # noqa: PLC0415
        from ..models.summary_by_status import SummaryByStatus  # noqa: PLC0415

        d = dict(src_dict)
        by_category = SummaryByCategory.from_dict(d.pop("by_category"))

        by_severity = SummaryBySeverity.from_dict(d.pop("by_severity"))

        by_status = SummaryByStatus.from_dict(d.pop("by_status"))

        from_ = datetime.date.fromisoformat(d.pop("from"))

        received = Cell.from_dict(d.pop("received"))

        suppression_applied = d.pop("suppression_applied")

        to = datetime.date.fromisoformat(d.pop("to"))

        summary = cls(
            by_category=by_category,
            by_severity=by_severity,
            by_status=by_status,
            from_=from_,
            received=received,
            suppression_applied=suppression_applied,
            to=to,
        )

        summary.additional_properties = d
        return summary

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
