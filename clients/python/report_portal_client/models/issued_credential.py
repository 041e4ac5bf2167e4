from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.credential_mode import CredentialMode

T = TypeVar("T", bound="IssuedCredential")


@_attrs_define
class IssuedCredential:
    """A newly issued credential; the only time its secret is ever shown.

    Attributes:
        client_id (str): The public identifier, e.g. `rp_live_3f9c…`.
        client_secret (str): The secret, shown once; only its hash is stored.
        expires_at (datetime.datetime): When it stops working (UTC): the token endpoint then refuses it as an unknown
            client.
        mode (CredentialMode): Whether a credential submits real reports or exercises the API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
    """

    client_id: str
    client_secret: str
    expires_at: datetime.datetime
    mode: CredentialMode
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_id = self.client_id

        client_secret = self.client_secret

        expires_at = self.expires_at.isoformat()

        mode = self.mode.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "expires_at": expires_at,
                "mode": mode,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        client_id = d.pop("client_id")

        client_secret = d.pop("client_secret")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        mode = CredentialMode(d.pop("mode"))

        issued_credential = cls(
            client_id=client_id,
            client_secret=client_secret,
            expires_at=expires_at,
            mode=mode,
        )

        issued_credential.additional_properties = d
        return issued_credential

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
