from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import types
from ..types import UNSET, Unset

T = TypeVar("T", bound="EvidenceUpload")


@_attrs_define
class EvidenceUpload:
    """The form of an evidence upload (`multipart/form-data`); a field not listed here is refused.

    Attributes:
        file (str): The file: an image, video, audio, PDF, plain text or HTML file (the type is found from
            its bytes), at most `max_evidence_bytes` (50 MiB by default).
        content_index (int | Unset): The index, in the report's content (its own items, then those of each amendment in
            order), of the content item the file shows.
        description (str | Unset): What the file is.
        sha256 (str | Unset): The SHA-256 (hex) of the file as the client computed it; checked when given.
    """

    file: str
    content_index: int | Unset = UNSET
    description: str | Unset = UNSET
    sha256: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file = self.file

        content_index = self.content_index

        description = self.description

        sha256 = self.sha256

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "file": file,
            }
        )
        if content_index is not UNSET:
            field_dict["content_index"] = content_index
        if description is not UNSET:
            field_dict["description"] = description
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", (None, str(self.file).encode(), "text/plain")))

        if not isinstance(self.content_index, Unset):
            files.append(("content_index", (None, str(self.content_index).encode(), "text/plain")))

        if not isinstance(self.description, Unset):
            files.append(("description", (None, str(self.description).encode(), "text/plain")))

        if not isinstance(self.sha256, Unset):
            files.append(("sha256", (None, str(self.sha256).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = d.pop("file")

        content_index = d.pop("content_index", UNSET)

        description = d.pop("description", UNSET)

        sha256 = d.pop("sha256", UNSET)

        evidence_upload = cls(
            file=file,
            content_index=content_index,
            description=description,
            sha256=sha256,
        )

        return evidence_upload
