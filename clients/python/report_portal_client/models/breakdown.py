from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.dimension import Dimension

if TYPE_CHECKING:
    from ..models.cell import Cell
    from ..models.key_count import KeyCount


T = TypeVar("T", bound="Breakdown")


@_attrs_define
class Breakdown:
    """`GET /stats/breakdown`.

    Attributes:
        dimension (Dimension): What reports can be counted by.
        from_ (datetime.date): First day counted.
        items (list[KeyCount]): Counts per key, largest first.
        suppression_applied (bool): Whether any count was suppressed.
        to (datetime.date): First day not counted.
        total (Cell): A count as shown: `null` with `suppressed: true` when hidden from an auditor.
    """

    dimension: Dimension
    from_: datetime.date
    items: list[KeyCount]
    suppression_applied: bool
    to: datetime.date
    total: Cell
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dimension = self.dimension.value

        from_ = self.from_.isoformat()

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        suppression_applied = self.suppression_applied

        to = self.to.isoformat()

        total = self.total.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dimension": dimension,
                "from": from_,
                "items": items,
                "suppression_applied": suppression_applied,
                "to": to,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.cell import Cell  # noqa: PLC0415
        from ..models.key_count import KeyCount  # noqa: PLC0415

        d = dict(src_dict)
        dimension = Dimension(d.pop("dimension"))

        from_ = datetime.date.fromisoformat(d.pop("from"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = KeyCount.from_dict(items_item_data)

            items.append(items_item)

        suppression_applied = d.pop("suppression_applied")

        to = datetime.date.fromisoformat(d.pop("to"))

        total = Cell.from_dict(d.pop("total"))

        breakdown = cls(
            dimension=dimension,
            from_=from_,
            items=items,
            suppression_applied=suppression_applied,
            to=to,
            total=total,
        )

        breakdown.additional_properties = d
        return breakdown

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
