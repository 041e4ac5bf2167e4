from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.credential_mode import CredentialMode
from ..models.endpoint_status import EndpointStatus
from ..models.event_type import EventType
from ..types import UNSET, Unset

T = TypeVar("T", bound="Endpoint")


@_attrs_define
class Endpoint:
    """A webhook endpoint as its organization sees it (never its secret).

    Attributes:
        created_at (datetime.datetime): When it was registered.
        event_types (list[EventType]): The event types delivered.
        id (str): The endpoint's id.
        mode (CredentialMode): Whether a credential submits real reports or exercises the API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        organization_id (str): The organization it belongs to.
        status (EndpointStatus): Whether an endpoint is delivered to.
        url (str): Where events are POSTed.
        disabled_reason (None | str | Unset): Why it was disabled, when it is.
    """

    created_at: datetime.datetime
    event_types: list[EventType]
    id: str
    mode: CredentialMode
    organization_id: str
    status: EndpointStatus
    url: str
    disabled_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        event_types = []
        for event_types_item_data in self.event_types:
            event_types_item = event_types_item_data.value
            event_types.append(event_types_item)

        id = self.id

        mode = self.mode.value

        organization_id = self.organization_id

        status = self.status.value

        url = self.url

        disabled_reason: None | str | Unset
        if isinstance(self.disabled_reason, Unset):
            disabled_reason = UNSET
        else:
            disabled_reason = self.disabled_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "event_types": event_types,
                "id": id,
                "mode": mode,
                "organization_id": organization_id,
                "status": status,
                "url": url,
            }
        )
        if disabled_reason is not UNSET:
            field_dict["disabled_reason"] = disabled_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        event_types = []
        _event_types = d.pop("event_types")
        for event_types_item_data in _event_types:
            event_types_item = EventType(event_types_item_data)

            event_types.append(event_types_item)

        id = d.pop("id")

        mode = CredentialMode(d.pop("mode"))

        organization_id = d.pop("organization_id")

        status = EndpointStatus(d.pop("status"))

        url = d.pop("url")

        def _parse_disabled_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason", UNSET))

        endpoint = cls(
            created_at=created_at,
            event_types=event_types,
            id=id,
            mode=mode,
            organization_id=organization_id,
            status=status,
            url=url,
            disabled_reason=disabled_reason,
        )

        endpoint.additional_properties = d
        return endpoint

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
