from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.credential_mode import CredentialMode
from ..models.submitter_status import SubmitterStatus

T = TypeVar("T", bound="Receipt")


@_attrs_define
class Receipt:
    """The answer to a submission: 201 when stored, 200 (with `Idempotent-Replayed: true`) when the
    same report had already been stored under its `external_id`.

        Attributes:
            body_sha256 (str): SHA-256 (hex) of the body as received, in canonical JSON (keys sorted, no spaces).
            external_id (str): The organization's own identifier for the report.
            id (str): The report's id (UUIDv7).
            mode (CredentialMode): Whether a credential submits real reports or exercises the API.

                Test-mode reports are marked so: they never notify and never count in the statistics.
            receipt (str): The portal's signed receipt: a compact JWS (`typ` `report-receipt+jwt`, EdDSA,
                verifiable with `/.well-known/jwks.json`) over the report id, organization id,
                `external_id`, `body_sha256` and `received_at`. The same on every replay.
            received_at (datetime.datetime): When the portal stored the report (UTC).
            status (SubmitterStatus): The status a submitting organization sees: a referral is never disclosed to it.
    """

    body_sha256: str
    external_id: str
    id: str
    mode: CredentialMode
    receipt: str
    received_at: datetime.datetime
    status: SubmitterStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        body_sha256 = self.body_sha256

        external_id = self.external_id

        id = self.id

        mode = self.mode.value

        receipt = self.receipt

        received_at = self.received_at.isoformat()

        status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "body_sha256": body_sha256,
                "external_id": external_id,
                "id": id,
                "mode": mode,
                "receipt": receipt,
                "received_at": received_at,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        body_sha256 = d.pop("body_sha256")

        external_id = d.pop("external_id")

        id = d.pop("id")

        mode = CredentialMode(d.pop("mode"))

        receipt = d.pop("receipt")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        status = SubmitterStatus(d.pop("status"))

        receipt = cls(
            body_sha256=body_sha256,
            external_id=external_id,
            id=id,
            mode=mode,
            receipt=receipt,
            received_at=received_at,
            status=status,
        )

        receipt.additional_properties = d
        return receipt

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
