from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.indicator_kind import IndicatorKind

T = TypeVar("T", bound="CommonValue")


@_attrs_define
class CommonValue:
    """A value of the report shared by so many reports that it is common ("common, N reports"), as
    MISP treats over-correlating values.

        Attributes:
            kind (IndicatorKind): What kind of value an indicator is.
            pointer (str): Where it appears in the report asked about.
            reports (int): How many reports hold it (this one included; all modes).
    """

    kind: IndicatorKind
    pointer: str
    reports: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        pointer = self.pointer

        reports = self.reports

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "pointer": pointer,
                "reports": reports,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = IndicatorKind(d.pop("kind"))

        pointer = d.pop("pointer")

        reports = d.pop("reports")

        common_value = cls(
            kind=kind,
            pointer=pointer,
            reports=reports,
        )

        common_value.additional_properties = d
        return common_value

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
