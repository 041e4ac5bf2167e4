from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.credential_mode import CredentialMode
from ..models.retention_policy import RetentionPolicy

T = TypeVar("T", bound="Tombstone")


@_attrs_define
class Tombstone:
    """What is left of a purged report, as a later lookup answers it (410 Gone).

    Attributes:
        external_id (str): The organization's own identifier of the report.
        id (str): The purged report's id.
        mode (CredentialMode): Whether a credential submits real reports or exercises the API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        organization_id (str): The submitting organization.
        policy (RetentionPolicy): The retention policy under which a report is purged.
        purged_at (datetime.datetime): When it was purged.
        received_at (datetime.datetime): When the report was received.
    """

    external_id: str
    id: str
    mode: CredentialMode
    organization_id: str
    policy: RetentionPolicy
    purged_at: datetime.datetime
    received_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        external_id = self.external_id

        id = self.id

        mode = self.mode.value

        organization_id = self.organization_id

        policy = self.policy.value

        purged_at = self.purged_at.isoformat()

        received_at = self.received_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "external_id": external_id,
                "id": id,
                "mode": mode,
                "organization_id": organization_id,
                "policy": policy,
                "purged_at": purged_at,
                "received_at": received_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        external_id = d.pop("external_id")

        id = d.pop("id")

        mode = CredentialMode(d.pop("mode"))

        organization_id = d.pop("organization_id")

        policy = RetentionPolicy(d.pop("policy"))

        purged_at = datetime.datetime.fromisoformat(d.pop("purged_at"))

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        tombstone = cls(
            external_id=external_id,
            id=id,
            mode=mode,
            organization_id=organization_id,
            policy=policy,
            purged_at=purged_at,
            received_at=received_at,
        )

        tombstone.additional_properties = d
        return tombstone

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
