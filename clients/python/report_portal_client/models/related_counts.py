from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.related_counts_by_kind import RelatedCountsByKind


T = TypeVar("T", bound="RelatedCounts")


@_attrs_define
class RelatedCounts:
    """How many other reports share an indicator with a report.

    Attributes:
        by_kind (RelatedCountsByKind): For each kind, how many other reports share an indicator of that kind.
        reports (int): Other reports sharing at least one indicator.
    """

    by_kind: RelatedCountsByKind
    reports: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        by_kind = self.by_kind.to_dict()

        reports = self.reports

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "by_kind": by_kind,
                "reports": reports,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.related_counts_by_kind import RelatedCountsByKind  # noqa: PLC0415

        d = dict(src_dict)
        by_kind = RelatedCountsByKind.from_dict(d.pop("by_kind"))

        reports = d.pop("reports")

        related_counts = cls(
            by_kind=by_kind,
            reports=reports,
        )

        related_counts.additional_properties = d
        return related_counts

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
