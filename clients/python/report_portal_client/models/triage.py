from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.triage_figures import TriageFigures


T = TypeVar("T", bound="Triage")


@_attrs_define
class Triage:
    """`GET /stats/triage`: time from receipt to first review and to closure, for reports
    received in the range.

        Attributes:
            closure (TriageFigures): Median and 90th percentile of one triage time.
            first_review (TriageFigures): Median and 90th percentile of one triage time.
            from_ (datetime.date): First day counted.
            suppression_applied (bool): Whether any count was suppressed.
            to (datetime.date): First day not counted.
    """

    closure: TriageFigures
    first_review: TriageFigures
    from_: datetime.date
    suppression_applied: bool
    to: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        closure = self.closure.to_dict()

        first_review = self.first_review.to_dict()

        from_ = self.from_.isoformat()

        suppression_applied = self.suppression_applied

        to = self.to.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "closure": closure,
                "first_review": first_review,
                "from": from_,
                "suppression_applied": suppression_applied,
                "to": to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.triage_figures import TriageFigures  # noqa: PLC0415

        d = dict(src_dict)
        closure = TriageFigures.from_dict(d.pop("closure"))

        first_review = TriageFigures.from_dict(d.pop("first_review"))

        from_ = datetime.date.fromisoformat(d.pop("from"))

        suppression_applied = d.pop("suppression_applied")

        to = datetime.date.fromisoformat(d.pop("to"))

        triage = cls(
            closure=closure,
            first_review=first_review,
            from_=from_,
            suppression_applied=suppression_applied,
            to=to,
        )

        triage.additional_properties = d
        return triage

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
