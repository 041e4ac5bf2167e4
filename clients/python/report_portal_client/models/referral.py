from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Referral")


@_attrs_define
class Referral:
    """Where a referral went.

    Attributes:
        agency (str): The receiving agency, e.g. `FBI`, `HSI`, `DEA`.
        reference (str): The receiving agency's case reference.
    """

    agency: str
    reference: str

    def to_dict(self) -> dict[str, Any]:
        agency = self.agency

        reference = self.reference

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "agency": agency,
                "reference": reference,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        agency = d.pop("agency")

        reference = d.pop("reference")

        referral = cls(
            agency=agency,
            reference=reference,
        )

        return referral
