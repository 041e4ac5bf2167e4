from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.reason_count import ReasonCount


T = TypeVar("T", bound="FeedbackSummary")


@_attrs_define
class FeedbackSummary:
    """An organization's own figures over `[from, to)`, in its credential's mode.

    Attributes:
        acknowledged (int): Of those, reports DHS has looked at (reviewed at least once).
        advice (str): What to improve, in one sentence.
        from_ (datetime.datetime): The period's start (inclusive).
        reports_sent (int): Reports received in the period.
        to (datetime.datetime): The period's end (exclusive).
        top_reasons (list[ReasonCount]): The reasons given, most common first (at most five).
        with_feedback (int): Of those, reports closed with feedback.
        actionable_share (float | None | Unset): Share of reports with feedback that were actionable (0 to 1); `null`
            without feedback.
        median_seconds_to_first_review (int | None | Unset): Median seconds from receipt to first review, over the
            acknowledged reports.
    """

    acknowledged: int
    advice: str
    from_: datetime.datetime
    reports_sent: int
    to: datetime.datetime
    top_reasons: list[ReasonCount]
    with_feedback: int
    actionable_share: float | None | Unset = UNSET
    median_seconds_to_first_review: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        acknowledged = self.acknowledged

        advice = self.advice

        from_ = self.from_.isoformat()

        reports_sent = self.reports_sent

        to = self.to.isoformat()

        top_reasons = []
        for top_reasons_item_data in self.top_reasons:
            top_reasons_item = top_reasons_item_data.to_dict()
            top_reasons.append(top_reasons_item)

        with_feedback = self.with_feedback

        actionable_share: float | None | Unset
        if isinstance(self.actionable_share, Unset):
            actionable_share = UNSET
        else:
            actionable_share = self.actionable_share

        median_seconds_to_first_review: int | None | Unset
        if isinstance(self.median_seconds_to_first_review, Unset):
            median_seconds_to_first_review = UNSET
        else:
            median_seconds_to_first_review = self.median_seconds_to_first_review

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "acknowledged": acknowledged,
                "advice": advice,
                "from": from_,
                "reports_sent": reports_sent,
                "to": to,
                "top_reasons": top_reasons,
                "with_feedback": with_feedback,
            }
        )
        if actionable_share is not UNSET:
            field_dict["actionable_share"] = actionable_share
        if median_seconds_to_first_review is not UNSET:
            field_dict["median_seconds_to_first_review"] = median_seconds_to_first_review

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reason_count import ReasonCount  # noqa: PLC0415

        d = dict(src_dict)
        acknowledged = d.pop("acknowledged")

        advice = d.pop("advice")

        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        reports_sent = d.pop("reports_sent")

        to = datetime.datetime.fromisoformat(d.pop("to"))

        top_reasons = []
        _top_reasons = d.pop("top_reasons")
        for top_reasons_item_data in _top_reasons:
            top_reasons_item = ReasonCount.from_dict(top_reasons_item_data)

            top_reasons.append(top_reasons_item)

        with_feedback = d.pop("with_feedback")

        def _parse_actionable_share(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        actionable_share = _parse_actionable_share(d.pop("actionable_share", UNSET))

        def _parse_median_seconds_to_first_review(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        median_seconds_to_first_review = _parse_median_seconds_to_first_review(
            d.pop("median_seconds_to_first_review", UNSET)
        )

        feedback_summary = cls(
            acknowledged=acknowledged,
            advice=advice,
            from_=from_,
            reports_sent=reports_sent,
            to=to,
            top_reasons=top_reasons,
            with_feedback=with_feedback,
            actionable_share=actionable_share,
            median_seconds_to_first_review=median_seconds_to_first_review,
        )

        feedback_summary.additional_properties = d
        return feedback_summary

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
