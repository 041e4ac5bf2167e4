from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.tlp import Tlp
from ..types import UNSET, Unset

T = TypeVar("T", bound="ShareRequest")


@_attrs_define
class ShareRequest:
    """An analyst's share of a report's indicators into a collection.

    Attributes:
        collection_id (str): The collection to share into.
        tlp (Tlp): A TLP 2.0 marking (FIRST Traffic Light Protocol 2.0).
        indicators (list[str] | None | Unset): The indicators to share, by their JSON Pointer in the report (as
            `/review/reports/{id}/related` names them, e.g. `/accounts/0/contact_handles/1/value`);
            absent: all of them.
        note (None | str | Unset): A note for the partner (the report object's description). Nothing of the report's
            summary or excerpts is shared unless written here.
    """

    collection_id: str
    tlp: Tlp
    indicators: list[str] | None | Unset = UNSET
    note: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        collection_id = self.collection_id

        tlp = self.tlp.value

        indicators: list[str] | None | Unset
        if isinstance(self.indicators, Unset):
            indicators = UNSET
        elif isinstance(self.indicators, list):
            indicators = self.indicators

        else:
            indicators = self.indicators

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "collection_id": collection_id,
                "tlp": tlp,
            }
        )
        if indicators is not UNSET:
            field_dict["indicators"] = indicators
        if note is not UNSET:
            field_dict["note"] = note

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        collection_id = d.pop("collection_id")

        tlp = Tlp(d.pop("tlp"))

        def _parse_indicators(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                indicators_type_0 = cast(list[str], data)

                return indicators_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        indicators = _parse_indicators(d.pop("indicators", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        share_request = cls(
            collection_id=collection_id,
            tlp=tlp,
            indicators=indicators,
            note=note,
        )

        return share_request
