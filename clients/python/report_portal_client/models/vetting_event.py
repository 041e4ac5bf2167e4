from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.organization_status import OrganizationStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="VettingEvent")


@_attrs_define
class VettingEvent:
    """One entry of an organization's vetting history.

    Attributes:
        at (datetime.datetime): When (UTC).
        to (OrganizationStatus): Where an organization stands in vetting; only `vetted` organizations get tokens and
            submit.
        actor_id (None | str | Unset): The administrator who made the change; `null` for the command line.
        from_ (None | OrganizationStatus | Unset):
        reason (None | str | Unset): Why, as given.
    """

    at: datetime.datetime
    to: OrganizationStatus
    actor_id: None | str | Unset = UNSET
    from_: None | OrganizationStatus | Unset = UNSET
    reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        to = self.to.value

        actor_id: None | str | Unset
        if isinstance(self.actor_id, Unset):
            actor_id = UNSET
        else:
            actor_id = self.actor_id

        from_: None | str | Unset
        if isinstance(self.from_, Unset):
            from_ = UNSET
        elif isinstance(self.from_, OrganizationStatus):
            from_ = self.from_.value
        else:
            from_ = self.from_

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "to": to,
            }
        )
        if actor_id is not UNSET:
            field_dict["actor_id"] = actor_id
        if from_ is not UNSET:
            field_dict["from"] = from_
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        to = OrganizationStatus(d.pop("to"))

        def _parse_actor_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor_id = _parse_actor_id(d.pop("actor_id", UNSET))

        def _parse_from_(data: object) -> None | OrganizationStatus | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_type_1 = OrganizationStatus(data)

                return from_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrganizationStatus | Unset, data)

        from_ = _parse_from_(d.pop("from", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        vetting_event = cls(
            at=at,
            to=to,
            actor_id=actor_id,
            from_=from_,
            reason=reason,
        )

        vetting_event.additional_properties = d
        return vetting_event

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
