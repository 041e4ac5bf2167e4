from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.organization_status import OrganizationStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.vetting_event import VettingEvent


T = TypeVar("T", bound="OrganizationDetail")


@_attrs_define
class OrganizationDetail:
    """An organization with its contact, registration time and vetting history, for administrators.

    Attributes:
        id (str): The organization's id (UUIDv7).
        name (str): The company's name.
        status (OrganizationStatus): Where an organization stands in vetting; only `vetted` organizations get tokens and
            submit.
        created_at (datetime.datetime): When it was registered (UTC).
        vetting_history (list[VettingEvent]): Every status change, oldest first; the first is the registration.
        contact_email (None | str | Unset): Where DHS reaches the company's trust-and-safety team.
    """

    id: str
    name: str
    status: OrganizationStatus
    created_at: datetime.datetime
    vetting_history: list[VettingEvent]
    contact_email: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        status = self.status.value

        created_at = self.created_at.isoformat()

        vetting_history = []
        for vetting_history_item_data in self.vetting_history:
            vetting_history_item = vetting_history_item_data.to_dict()
            vetting_history.append(vetting_history_item)

        contact_email: None | str | Unset
        if isinstance(self.contact_email, Unset):
            contact_email = UNSET
        else:
            contact_email = self.contact_email

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "status": status,
                "created_at": created_at,
                "vetting_history": vetting_history,
            }
        )
        if contact_email is not UNSET:
            field_dict["contact_email"] = contact_email

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.vetting_event import VettingEvent  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        status = OrganizationStatus(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        vetting_history = []
        _vetting_history = d.pop("vetting_history")
        for vetting_history_item_data in _vetting_history:
            vetting_history_item = VettingEvent.from_dict(vetting_history_item_data)

            vetting_history.append(vetting_history_item)

        def _parse_contact_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contact_email = _parse_contact_email(d.pop("contact_email", UNSET))

        organization_detail = cls(
            id=id,
            name=name,
            status=status,
            created_at=created_at,
            vetting_history=vetting_history,
            contact_email=contact_email,
        )

        organization_detail.additional_properties = d
        return organization_detail

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
