from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tlp import Tlp
from ..types import UNSET, Unset

T = TypeVar("T", bound="PublishedShareCount")


@_attrs_define
class PublishedShareCount:
    """One line of share counts: exact for analysts and supervisors; for auditors rounded to base
    5, and `null` with `suppressed` when 1 to 4.

        Attributes:
            collection_id (str): The collection.
            collection_title (str): Its title.
            suppressed (bool): Whether a count was hidden.
            tlp (Tlp): A TLP 2.0 marking (FIRST Traffic Light Protocol 2.0).
            shares (int | None | Unset): Shares made (withdrawn ones included).
            withdrawn (int | None | Unset): Of which withdrawn.
    """

    collection_id: str
    collection_title: str
    suppressed: bool
    tlp: Tlp
    shares: int | None | Unset = UNSET
    withdrawn: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        collection_id = self.collection_id

        collection_title = self.collection_title

        suppressed = self.suppressed

        tlp = self.tlp.value

        shares: int | None | Unset
        if isinstance(self.shares, Unset):
            shares = UNSET
        else:
            shares = self.shares

        withdrawn: int | None | Unset
        if isinstance(self.withdrawn, Unset):
            withdrawn = UNSET
        else:
            withdrawn = self.withdrawn

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "collection_id": collection_id,
                "collection_title": collection_title,
                "suppressed": suppressed,
                "tlp": tlp,
            }
        )
        if shares is not UNSET:
            field_dict["shares"] = shares
        if withdrawn is not UNSET:
            field_dict["withdrawn"] = withdrawn

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        collection_id = d.pop("collection_id")

        collection_title = d.pop("collection_title")

        suppressed = d.pop("suppressed")

        tlp = Tlp(d.pop("tlp"))

        def _parse_shares(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        shares = _parse_shares(d.pop("shares", UNSET))

        def _parse_withdrawn(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        withdrawn = _parse_withdrawn(d.pop("withdrawn", UNSET))

        published_share_count = cls(
            collection_id=collection_id,
            collection_title=collection_title,
            suppressed=suppressed,
            tlp=tlp,
            shares=shares,
            withdrawn=withdrawn,
        )

        published_share_count.additional_properties = d
        return published_share_count

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
