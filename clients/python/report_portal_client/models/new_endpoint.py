from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.event_type import EventType

T = TypeVar("T", bound="NewEndpoint")


@_attrs_define
class NewEndpoint:
    """A new webhook endpoint, as an organization (or an admin for it) registers it.

    Attributes:
        event_types (list[EventType]): The event types to deliver (1 or more, each once); `webhook.test` is always
            delivered
            when asked for.
        url (str): Where events are POSTed: `https` (in test mode also `http` to a loopback address), a
            public address, at most 2048 characters, no user name or password.
    """

    event_types: list[EventType]
    url: str

    def to_dict(self) -> dict[str, Any]:
        event_types = []
        for event_types_item_data in self.event_types:
            event_types_item = event_types_item_data.value
            event_types.append(event_types_item)

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event_types": event_types,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_types = []
        _event_types = d.pop("event_types")
        for event_types_item_data in _event_types:
            event_types_item = EventType(event_types_item_data)

            event_types.append(event_types_item)

        url = d.pop("url")

        new_endpoint = cls(
            event_types=event_types,
            url=url,
        )

        return new_endpoint
