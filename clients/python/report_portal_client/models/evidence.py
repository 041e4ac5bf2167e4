from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Evidence")


@_attrs_define
class Evidence:
    """An evidence file of a report.

    Attributes:
        id (str): The evidence's id.
        media_type (str): The file's type, as found from its bytes.
        sha256 (str): SHA-256 (hex) of the file's bytes.
        size (int): The file's size in bytes.
        uploaded_at (datetime.datetime): When it was uploaded (UTC).
        content_index (int | None | Unset): The index, in the report's content (its own items, then those of each
            amendment in
            order), of the content item the file shows.
        description (None | str | Unset): The submitter's description.
    """

    id: str
    media_type: str
    sha256: str
    size: int
    uploaded_at: datetime.datetime
    content_index: int | None | Unset = UNSET
    description: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        media_type = self.media_type

        sha256 = self.sha256

        size = self.size

        uploaded_at = self.uploaded_at.isoformat()

        content_index: int | None | Unset
        if isinstance(self.content_index, Unset):
            content_index = UNSET
        else:
            content_index = self.content_index

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "media_type": media_type,
                "sha256": sha256,
                "size": size,
                "uploaded_at": uploaded_at,
            }
        )
        if content_index is not UNSET:
            field_dict["content_index"] = content_index
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        media_type = d.pop("media_type")

        sha256 = d.pop("sha256")

        size = d.pop("size")

        uploaded_at = datetime.datetime.fromisoformat(d.pop("uploaded_at"))

        def _parse_content_index(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        content_index = _parse_content_index(d.pop("content_index", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        evidence = cls(
            id=id,
            media_type=media_type,
            sha256=sha256,
            size=size,
            uploaded_at=uploaded_at,
            content_index=content_index,
            description=description,
        )

        evidence.additional_properties = d
        return evidence

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
