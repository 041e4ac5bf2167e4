from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.dimension import Dimension
from ..models.interval import Interval
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.interval_count import IntervalCount


T = TypeVar("T", bound="Timeseries")


@_attrs_define
class Timeseries:
    """`GET /stats/timeseries`.

    Attributes:
        from_ (datetime.date): First day counted.
        interval (Interval): Time-series intervals, on the UTC calendar.
        items (list[IntervalCount]): Counts per interval (and key), in time order; intervals without reports count 0.
        suppression_applied (bool): Whether any count was suppressed.
        to (datetime.date): First day not counted.
        dimension (Dimension | None | Unset):
    """

    from_: datetime.date
    interval: Interval
    items: list[IntervalCount]
    suppression_applied: bool
    to: datetime.date
    dimension: Dimension | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_.isoformat()

        interval = self.interval.value

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        suppression_applied = self.suppression_applied

        to = self.to.isoformat()

        dimension: None | str | Unset
        if isinstance(self.dimension, Unset):
            dimension = UNSET
        elif isinstance(self.dimension, Dimension):
            dimension = self.dimension.value
        else:
            dimension = self.dimension

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "interval": interval,
                "items": items,
                "suppression_applied": suppression_applied,
                "to": to,
            }
        )
        if dimension is not UNSET:
            field_dict["dimension"] = dimension

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.interval_count import IntervalCount  # noqa: PLC0415

        d = dict(src_dict)
        from_ = datetime.date.fromisoformat(d.pop("from"))

        interval = Interval(d.pop("interval"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = IntervalCount.from_dict(items_item_data)

            items.append(items_item)

        suppression_applied = d.pop("suppression_applied")

        to = datetime.date.fromisoformat(d.pop("to"))

        def _parse_dimension(data: object) -> Dimension | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                dimension_type_1 = Dimension(data)

                return dimension_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Dimension | None | Unset, data)

        dimension = _parse_dimension(d.pop("dimension", UNSET))

        timeseries = cls(
            from_=from_,
            interval=interval,
            items=items,
            suppression_applied=suppression_applied,
            to=to,
            dimension=dimension,
        )

        timeseries.additional_properties = d
        return timeseries

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
