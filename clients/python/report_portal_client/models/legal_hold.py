from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LegalHold")


@_attrs_define
class LegalHold:
    """A legal hold: while it is in place the report is never purged.

    Attributes:
        placed_at (datetime.datetime): When the hold was placed.
        placed_by (str): The supervisor who placed it.
        reason (str): Why it is held.
    """

    placed_at: datetime.datetime
    placed_by: str
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        placed_at = self.placed_at.isoformat()

        placed_by = self.placed_by

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "placed_at": placed_at,
                "placed_by": placed_by,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        placed_at = datetime.datetime.fromisoformat(d.pop("placed_at"))

        placed_by = d.pop("placed_by")

        reason = d.pop("reason")

        legal_hold = cls(
            placed_at=placed_at,
            placed_by=placed_by,
            reason=reason,
        )

        legal_hold.additional_properties = d
        return legal_hold

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
