from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.report_status import ReportStatus
from ..models.role import Role
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.timeline_event_detail_type_0 import TimelineEventDetailType0


T = TypeVar("T", bound="TimelineEvent")


@_attrs_define
class TimelineEvent:
    """One change in a report's life.

    Attributes:
        actor_role (Role): Every role a caller can have: `reporter` for organizations' API clients, the rest for staff.
        at (datetime.datetime): When (UTC).
        id (str): The event's id.
        kind (str): `received`, `transition`, `assignment`, `note`, `amendment`, `retraction`, `evidence`,
            `evidence_download`, `hold`, `hold_lifted`, `release` or `correlation` (a new report
            shares indicators with reports of other organizations; `detail` has the counts).
        actor_id (None | str | Unset): Who: a user id or an API client id.
        detail (None | TimelineEventDetailType0 | Unset): What else: the referral, the resolution, the assignee, the
            note id, the amendment's
            number and severity change, the evidence file.
        from_ (None | ReportStatus | Unset):
        reason (None | str | Unset): Why, for transitions.
        to (None | ReportStatus | Unset):
    """

    actor_role: Role
    at: datetime.datetime
    id: str
    kind: str
    actor_id: None | str | Unset = UNSET
    detail: None | TimelineEventDetailType0 | Unset = UNSET
    from_: None | ReportStatus | Unset = UNSET
    reason: None | str | Unset = UNSET
    to: None | ReportStatus | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.timeline_event_detail_type_0 import TimelineEventDetailType0  # noqa: PLC0415

        actor_role = self.actor_role.value

        at = self.at.isoformat()

        id = self.id

        kind = self.kind

        actor_id: None | str | Unset
        if isinstance(self.actor_id, Unset):
            actor_id = UNSET
        else:
            actor_id = self.actor_id

        detail: dict[str, Any] | None | Unset
        if isinstance(self.detail, Unset):
            detail = UNSET
        elif isinstance(self.detail, TimelineEventDetailType0):
            detail = self.detail.to_dict()
        else:
            detail = self.detail

        from_: None | str | Unset
        if isinstance(self.from_, Unset):
            from_ = UNSET
        elif isinstance(self.from_, ReportStatus):
            from_ = self.from_.value
        else:
            from_ = self.from_

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        to: None | str | Unset
        if isinstance(self.to, Unset):
            to = UNSET
        elif isinstance(self.to, ReportStatus):
            to = self.to.value
        else:
            to = self.to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actor_role": actor_role,
                "at": at,
                "id": id,
                "kind": kind,
            }
        )
        if actor_id is not UNSET:
            field_dict["actor_id"] = actor_id
        if detail is not UNSET:
            field_dict["detail"] = detail
        if from_ is not UNSET:
            field_dict["from"] = from_
        if reason is not UNSET:
            field_dict["reason"] = reason
        if to is not UNSET:
            field_dict["to"] = to

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.timeline_event_detail_type_0 import TimelineEventDetailType0  # noqa: PLC0415

        d = dict(src_dict)
        actor_role = Role(d.pop("actor_role"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        id = d.pop("id")

        kind = d.pop("kind")

        def _parse_actor_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor_id = _parse_actor_id(d.pop("actor_id", UNSET))

        def _parse_detail(data: object) -> None | TimelineEventDetailType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                detail_type_0 = TimelineEventDetailType0.from_dict(data)

                return detail_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TimelineEventDetailType0 | Unset, data)

        detail = _parse_detail(d.pop("detail", UNSET))

        def _parse_from_(data: object) -> None | ReportStatus | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_type_1 = ReportStatus(data)

                return from_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReportStatus | Unset, data)

        from_ = _parse_from_(d.pop("from", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        def _parse_to(data: object) -> None | ReportStatus | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                to_type_1 = ReportStatus(data)

                return to_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReportStatus | Unset, data)

        to = _parse_to(d.pop("to", UNSET))

        timeline_event = cls(
            actor_role=actor_role,
            at=at,
            id=id,
            kind=kind,
            actor_id=actor_id,
            detail=detail,
            from_=from_,
            reason=reason,
            to=to,
        )

        timeline_event.additional_properties = d
        return timeline_event

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
