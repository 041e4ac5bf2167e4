from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.feedback_reason import FeedbackReason
from ..types import UNSET, Unset

T = TypeVar("T", bound="Feedback")


@_attrs_define
class Feedback:
    """The feedback an analyst may record when closing a report.

    Attributes:
        actionable (bool): Whether DHS could act on the report.
        reason (FeedbackReason | None | Unset):
    """

    actionable: bool
    reason: FeedbackReason | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        actionable = self.actionable

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        elif isinstance(self.reason, FeedbackReason):
            reason = self.reason.value
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "actionable": actionable,
            }
        )
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        actionable = d.pop("actionable")

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

        feedback = cls(
            actionable=actionable,
            reason=reason,
        )

        return feedback
