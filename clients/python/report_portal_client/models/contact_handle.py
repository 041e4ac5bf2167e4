from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.contact_type import ContactType

T = TypeVar("T", bound="ContactHandle")


@_attrs_define
class ContactHandle:
    """An off-platform contact detail, such as a phone number or a Telegram user name.

    Attributes:
        type_ (ContactType): The kind of off-platform contact detail an account advertises.
        value (str): The contact detail as advertised.
    """

    type_: ContactType
    value: str

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        value = self.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "value": value,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = ContactType(d.pop("type"))

        value = d.pop("value")

        contact_handle = cls(
            type_=type_,
            value=value,
        )

        return contact_handle
