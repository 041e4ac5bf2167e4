from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tlp import Tlp
from ..types import UNSET, Unset

T = TypeVar("T", bound="Share")


@_attrs_define
class Share:
    """A share as analysts see it.

    Attributes:
        collection_id (str): Into which collection.
        id (str): The share's id.
        object_ids (list[str]): The ids of the STIX objects it produced.
        report_id (str): The report shared.
        shared_at (datetime.datetime): When.
        shared_by (str): Who shared it.
        tlp (Tlp): A TLP 2.0 marking (FIRST Traffic Light Protocol 2.0).
        withdrawn_at (datetime.datetime | None | Unset): When it was withdrawn (its objects revoked).
    """

    collection_id: str
    id: str
    object_ids: list[str]
    report_id: str
    shared_at: datetime.datetime
    shared_by: str
    tlp: Tlp
    withdrawn_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        collection_id = self.collection_id

        id = self.id

        object_ids = self.object_ids

        report_id = self.report_id

        shared_at = self.shared_at.isoformat()

        shared_by = self.shared_by

        tlp = self.tlp.value

        withdrawn_at: None | str | Unset
        if isinstance(self.withdrawn_at, Unset):
            withdrawn_at = UNSET
        elif isinstance(self.withdrawn_at, datetime.datetime):
            withdrawn_at = self.withdrawn_at.isoformat()
        else:
            withdrawn_at = self.withdrawn_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "collection_id": collection_id,
                "id": id,
                "object_ids": object_ids,
                "report_id": report_id,
                "shared_at": shared_at,
                "shared_by": shared_by,
                "tlp": tlp,
            }
        )
        if withdrawn_at is not UNSET:
            field_dict["withdrawn_at"] = withdrawn_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        collection_id = d.pop("collection_id")

        id = d.pop("id")

        object_ids = cast(list[str], d.pop("object_ids"))

        report_id = d.pop("report_id")

        shared_at = datetime.datetime.fromisoformat(d.pop("shared_at"))

        shared_by = d.pop("shared_by")

        tlp = Tlp(d.pop("tlp"))

        def _parse_withdrawn_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                withdrawn_at_type_0 = datetime.datetime.fromisoformat(data)

                return withdrawn_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        withdrawn_at = _parse_withdrawn_at(d.pop("withdrawn_at", UNSET))

        share = cls(
            collection_id=collection_id,
            id=id,
            object_ids=object_ids,
            report_id=report_id,
            shared_at=shared_at,
            shared_by=shared_by,
            tlp=tlp,
            withdrawn_at=withdrawn_at,
        )

        share.additional_properties = d
        return share

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
