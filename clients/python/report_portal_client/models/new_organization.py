from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewOrganization")


@_attrs_define
class NewOrganization:
    """A new organization, as an administrator registers it (or the command line).

    Attributes:
        name (str): The company's name.
        contact_email (None | str | Unset): Where DHS reaches the company's trust-and-safety team.
    """

    name: str
    contact_email: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        contact_email: None | str | Unset
        if isinstance(self.contact_email, Unset):
            contact_email = UNSET
        else:
            contact_email = self.contact_email

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if contact_email is not UNSET:
            field_dict["contact_email"] = contact_email

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_contact_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        contact_email = _parse_contact_email(d.pop("contact_email", UNSET))

        new_organization = cls(
            name=name,
            contact_email=contact_email,
        )

        return new_organization
