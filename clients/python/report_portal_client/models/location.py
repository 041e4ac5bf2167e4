from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Location")


@_attrs_define
class Location:
    """A place the activity is aimed at or takes place in.

    Attributes:
        country (str): An existing ISO 3166-1 alpha-2 country code, upper case, e.g. `MX`.
        place (None | str | Unset): A city or other place name, free text.
        subdivision (None | str | Unset): An existing ISO 3166-2 subdivision code of `country`, e.g. `MX-JAL`.
    """

    country: str
    place: None | str | Unset = UNSET
    subdivision: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        country = self.country

        place: None | str | Unset
        if isinstance(self.place, Unset):
            place = UNSET
        else:
            place = self.place

        subdivision: None | str | Unset
        if isinstance(self.subdivision, Unset):
            subdivision = UNSET
        else:
            subdivision = self.subdivision

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "country": country,
            }
        )
        if place is not UNSET:
            field_dict["place"] = place
        if subdivision is not UNSET:
            field_dict["subdivision"] = subdivision

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        country = d.pop("country")

        def _parse_place(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        place = _parse_place(d.pop("place", UNSET))

        def _parse_subdivision(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subdivision = _parse_subdivision(d.pop("subdivision", UNSET))

        location = cls(
            country=country,
            place=place,
            subdivision=subdivision,
        )

        return location
