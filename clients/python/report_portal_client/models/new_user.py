from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.new_user_role import NewUserRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="NewUser")


@_attrs_define
class NewUser:
    """A new staff account, as an admin or the command line asks for it. It carries no password: an
    account made through the API is enrolled by its holder through an e-mailed link, and the
    command line takes the password separately (`--password-stdin`).

        Attributes:
            display_name (str): The name shown to colleagues.
            email (str): The sign-in e-mail address (case-insensitive, unique); the enrollment link is sent to it.
            role (NewUserRole):
            notify (bool | Unset): Whether to e-mail this user about new reports (analysts and supervisors).
    """

    display_name: str
    email: str
    role: NewUserRole
    notify: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        email = self.email

        role = self.role.value

        notify = self.notify

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "display_name": display_name,
                "email": email,
                "role": role,
            }
        )
        if notify is not UNSET:
            field_dict["notify"] = notify

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display_name = d.pop("display_name")

        email = d.pop("email")

        role = NewUserRole(d.pop("role"))

        notify = d.pop("notify", UNSET)

        new_user = cls(
            display_name=display_name,
            email=email,
            role=role,
            notify=notify,
        )

        return new_user
