from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.indicator_kind import IndicatorKind
from ..models.match_kind import MatchKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="IndicatorMatch")


@_attrs_define
class IndicatorMatch:
    """One indicator two reports share.

    Attributes:
        kind (IndicatorKind): What kind of value an indicator is.
        match (MatchKind): How an indicator matched.
        other_pointer (str): Where it appears in the related report.
        pointer (str): Where the value appears in the report asked about: a JSON Pointer into its body, or
            `/amendments/{number}/…` into the amendment that added it.
        distance (int | None | Unset): For `near`: how many bits of the two PDQ hashes differ (0 to 31).
    """

    kind: IndicatorKind
    match: MatchKind
    other_pointer: str
    pointer: str
    distance: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        match = self.match.value

        other_pointer = self.other_pointer

        pointer = self.pointer

        distance: int | None | Unset
        if isinstance(self.distance, Unset):
            distance = UNSET
        else:
            distance = self.distance

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "match": match,
                "other_pointer": other_pointer,
                "pointer": pointer,
            }
        )
        if distance is not UNSET:
            field_dict["distance"] = distance

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = IndicatorKind(d.pop("kind"))

        match = MatchKind(d.pop("match"))

        other_pointer = d.pop("other_pointer")

        pointer = d.pop("pointer")

        def _parse_distance(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        distance = _parse_distance(d.pop("distance", UNSET))

        indicator_match = cls(
            kind=kind,
            match=match,
            other_pointer=other_pointer,
            pointer=pointer,
            distance=distance,
        )

        indicator_match.additional_properties = d
        return indicator_match

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
