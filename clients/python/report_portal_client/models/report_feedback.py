from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.feedback_reason import FeedbackReason
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReportFeedback")


@_attrs_define
class ReportFeedback:
    """The feedback on a closed report as its submitter sees it.

    Attributes:
        actionable (bool): Whether DHS could act on the report.
        recorded_at (datetime.datetime): When it was recorded.
        reason (FeedbackReason | None | Unset):
    """

    actionable: bool
    recorded_at: datetime.datetime
    reason: FeedbackReason | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actionable = self.actionable

        recorded_at = self.recorded_at.isoformat()

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        elif isinstance(self.reason, FeedbackReason):
            reason = self.reason.value
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actionable": actionable,
                "recorded_at": recorded_at,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        actionable = d.pop("actionable")

        recorded_at = datetime.datetime.fromisoformat(d.pop("recorded_at"))

        def _parse_reason(data: object) -> FeedbackReason | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reason_type_1 = FeedbackReason(data)

                return reason_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FeedbackReason | None | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        report_feedback = cls(
            actionable=actionable,
            recorded_at=recorded_at,
            reason=reason,
        )

        report_feedback.additional_properties = d
        return report_feedback

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
