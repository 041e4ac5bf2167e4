from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.common_value import CommonValue
    from ..models.related_report import RelatedReport


T = TypeVar("T", bound="RelatedReports")


@_attrs_define
class RelatedReports:
    """The reports related to one report, strongest first.

    Attributes:
        common (list[CommonValue]): The report's common values: each in more reports than
            `correlation_common_threshold`,
            so not matched report by report (and not in `items` or `total`); the indicator search
            still finds the reports holding one.
        items (list[RelatedReport]): The strongest `limit`: most shared indicators first, then most exact ones, then the
            nearest PDQ match, then the newest.
        total (int): How many related reports there are in all.
    """

    common: list[CommonValue]
    items: list[RelatedReport]
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        common = []
        for common_item_data in self.common:
            common_item = common_item_data.to_dict()
            common.append(common_item)

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "common": common,
                "items": items,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.common_value import CommonValue  # noqa: PLC0415
        from ..models.related_report import RelatedReport  # noqa: PLC0415

        d = dict(src_dict)
        common = []
        _common = d.pop("common")
        for common_item_data in _common:
            common_item = CommonValue.from_dict(common_item_data)

            common.append(common_item)

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = RelatedReport.from_dict(items_item_data)

            items.append(items_item)

        total = d.pop("total")

        related_reports = cls(
            common=common,
            items=items,
            total=total,
        )

        related_reports.additional_properties = d
        return related_reports

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
