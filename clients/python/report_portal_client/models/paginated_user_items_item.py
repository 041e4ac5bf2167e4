from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role

T = TypeVar("T", bound="PaginatedUserItemsItem")


@_attrs_define
class PaginatedUserItemsItem:
    """A staff account as admins see it (never its password hash).

    Attributes:
        active (bool): Whether the account may sign in.
        display_name (str): The name shown to colleagues.
        email (str): The sign-in e-mail address, lower-cased.
        id (str): The user's id.
        notify (bool): Whether the user is e-mailed about new reports.
        role (Role): Every role a caller can have: `reporter` for organizations' API clients, the rest for staff.
    """

    active: bool
    display_name: str
    email: str
    id: str
    notify: bool
    role: Role
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        display_name = self.display_name

        email = self.email

        id = self.id

        notify = self.notify

        role = self.role.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "display_name": display_name,
                "email": email,
                "id": id,
                "notify": notify,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        display_name = d.pop("display_name")

        email = d.pop("email")

        id = d.pop("id")

        notify = d.pop("notify")

        role = Role(d.pop("role"))

        paginated_user_items_item = cls(
            active=active,
            display_name=display_name,
            email=email,
            id=id,
            notify=notify,
            role=role,
        )

        paginated_user_items_item.additional_properties = d
        return paginated_user_items_item

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
