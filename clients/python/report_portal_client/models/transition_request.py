from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.report_status import ReportStatus
from ..models.resolution import Resolution
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.feedback import Feedback
    from ..models.referral import Referral


T = TypeVar("T", bound="TransitionRequest")


@_attrs_define
class TransitionRequest:
    """A request to move a report to another status.

    Attributes:
        reason (str): Why, for the timeline.
        to (ReportStatus): The status of a report as DHS works it.
        feedback (Feedback | None | Unset):
        referral (None | Referral | Unset):
        resolution (None | Resolution | Unset):
    """

    reason: str
    to: ReportStatus
    feedback: Feedback | None | Unset = UNSET
    referral: None | Referral | Unset = UNSET
    resolution: None | Resolution | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.feedback import Feedback  # noqa: PLC0415
        from ..models.referral import Referral  # noqa: PLC0415

        reason = self.reason

        to = self.to.value

        feedback: dict[str, Any] | None | Unset
        if isinstance(self.feedback, Unset):
            feedback = UNSET
        elif isinstance(self.feedback, Feedback):
            feedback = self.feedback.to_dict()
        else:
            feedback = self.feedback

        referral: dict[str, Any] | None | Unset
        if isinstance(self.referral, Unset):
            referral = UNSET
        elif isinstance(self.referral, Referral):
            referral = self.referral.to_dict()
        else:
            referral = self.referral

        resolution: None | str | Unset
        if isinstance(self.resolution, Unset):
            resolution = UNSET
        elif isinstance(self.resolution, Resolution):
            resolution = self.resolution.value
        else:
            resolution = self.resolution

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
                "to": to,
            }
        )
        if feedback is not UNSET:
            field_dict["feedback"] = feedback
        if referral is not UNSET:
            field_dict["referral"] = referral
        if resolution is not UNSET:
            field_dict["resolution"] = resolution

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.feedback import Feedback  # noqa: PLC0415
        from ..models.referral import Referral  # noqa: PLC0415

        d = dict(src_dict)
        reason = d.pop("reason")

        to = ReportStatus(d.pop("to"))

        def _parse_feedback(data: object) -> Feedback | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                feedback_type_1 = Feedback.from_dict(data)

                return feedback_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Feedback | None | Unset, data)

        feedback = _parse_feedback(d.pop("feedback", UNSET))

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

        transition_request = cls(
            reason=reason,
            to=to,
            feedback=feedback,
            referral=referral,
            resolution=resolution,
        )

        return transition_request
