from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.content_type import ContentType
from ..types import UNSET, Unset

T = TypeVar("T", bound="ContentItem")


@_attrs_define
class ContentItem:
    """A piece of content involved in the activity.

    Attributes:
        content_type (ContentType): What kind of thing a reported piece of content is.
        preserved (bool): Whether the platform preserved the content.
        removed (bool): Whether the platform removed the content.
        account_ref (None | str | Unset): The `platform_account_id` of the report's account that posted the content.
        language (None | str | Unset): The content's language as a BCP 47 tag.
        md5 (None | str | Unset): The MD5 of the content's media, as 32 hex digits.
        pdq (None | str | Unset): The PDQ perceptual hash of the content's image, as 64 hex digits.
        posted_at (datetime.datetime | None | Unset): When the content was posted.
        sha256 (None | str | Unset): The SHA-256 of the content's media, as 64 hex digits.
        text_excerpt (None | str | Unset): An excerpt of the content's text.
        url (None | str | Unset): The absolute `http` or `https` URL of the content.
    """

    content_type: ContentType
    preserved: bool
    removed: bool
    account_ref: None | str | Unset = UNSET
    language: None | str | Unset = UNSET
    md5: None | str | Unset = UNSET
    pdq: None | str | Unset = UNSET
    posted_at: datetime.datetime | None | Unset = UNSET
    sha256: None | str | Unset = UNSET
    text_excerpt: None | str | Unset = UNSET
    url: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type.value

        preserved = self.preserved

        removed = self.removed

        account_ref: None | str | Unset
        if isinstance(self.account_ref, Unset):
            account_ref = UNSET
        else:
            account_ref = self.account_ref

        language: None | str | Unset
        if isinstance(self.language, Unset):
            language = UNSET
        else:
            language = self.language

        md5: None | str | Unset
        if isinstance(self.md5, Unset):
            md5 = UNSET
        else:
            md5 = self.md5

        pdq: None | str | Unset
        if isinstance(self.pdq, Unset):
            pdq = UNSET
        else:
            pdq = self.pdq

        posted_at: None | str | Unset
        if isinstance(self.posted_at, Unset):
            posted_at = UNSET
        elif isinstance(self.posted_at, datetime.datetime):
            posted_at = self.posted_at.isoformat()
        else:
            posted_at = self.posted_at

        sha256: None | str | Unset
        if isinstance(self.sha256, Unset):
            sha256 = UNSET
        else:
            sha256 = self.sha256

        text_excerpt: None | str | Unset
        if isinstance(self.text_excerpt, Unset):
            text_excerpt = UNSET
        else:
            text_excerpt = self.text_excerpt

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "content_type": content_type,
                "preserved": preserved,
                "removed": removed,
            }
        )
        if account_ref is not UNSET:
            field_dict["account_ref"] = account_ref
        if language is not UNSET:
            field_dict["language"] = language
        if md5 is not UNSET:
            field_dict["md5"] = md5
        if pdq is not UNSET:
            field_dict["pdq"] = pdq
        if posted_at is not UNSET:
            field_dict["posted_at"] = posted_at
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256
        if text_excerpt is not UNSET:
            field_dict["text_excerpt"] = text_excerpt
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        content_type = ContentType(d.pop("content_type"))

        preserved = d.pop("preserved")

        removed = d.pop("removed")

        def _parse_account_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account_ref = _parse_account_ref(d.pop("account_ref", UNSET))

        def _parse_language(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        language = _parse_language(d.pop("language", UNSET))

        def _parse_md5(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        md5 = _parse_md5(d.pop("md5", UNSET))

        def _parse_pdq(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pdq = _parse_pdq(d.pop("pdq", UNSET))

        def _parse_posted_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                posted_at_type_0 = datetime.datetime.fromisoformat(data)

                return posted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        posted_at = _parse_posted_at(d.pop("posted_at", UNSET))

        def _parse_sha256(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sha256 = _parse_sha256(d.pop("sha256", UNSET))

        def _parse_text_excerpt(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        text_excerpt = _parse_text_excerpt(d.pop("text_excerpt", UNSET))

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        content_item = cls(
            content_type=content_type,
            preserved=preserved,
            removed=removed,
            account_ref=account_ref,
            language=language,
            md5=md5,
            pdq=pdq,
            posted_at=posted_at,
            sha256=sha256,
            text_excerpt=text_excerpt,
            url=url,
        )

        return content_item
