from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.credential_mode import CredentialMode
from ..models.event_type import EventType

T = TypeVar("T", bound="NewEndpointFor")


@_attrs_define
class NewEndpointFor:
    """What an admin registers for an organization: an endpoint and the mode of the events it gets.

    Attributes:
        event_types (list[EventType]): The event types to deliver.
        mode (CredentialMode): Whether a credential submits real reports or exercises the API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        url (str): Where events are POSTed (same rules as [`NewEndpoint::url`]).
    """

    event_types: list[EventType]
    mode: CredentialMode
    url: str

    def to_dict(self) -> dict[str, Any]:
        event_types = []
        for event_types_item_data in self.event_types:
            event_types_item = event_types_item_data.value
            event_types.append(event_types_item)

        mode = self.mode.value

        url = self.url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event_types": event_types,
                "mode": mode,
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

        mode = CredentialMode(d.pop("mode"))

        url = d.pop("url")

        new_endpoint_for = cls(
            event_types=event_types,
            mode=mode,
            url=url,
        )

        return new_endpoint_for
