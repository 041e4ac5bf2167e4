from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.feedback_reason import FeedbackReason

T = TypeVar("T", bound="ReasonCount")


@_attrs_define
class ReasonCount:
    """A reason and how often it was given.

    Attributes:
        count (int): How many reports got it.
        reason (FeedbackReason): Why a report was not actionable (or what limited it), as a code of the taxonomy.
    """

    count: int
    reason: FeedbackReason
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        reason = self.reason.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        reason = FeedbackReason(d.pop("reason"))

        reason_count = cls(
            count=count,
            reason=reason,
        )

        reason_count.additional_properties = d
        return reason_count

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
