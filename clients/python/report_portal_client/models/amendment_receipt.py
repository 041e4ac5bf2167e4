from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AmendmentReceipt")


@_attrs_define
class AmendmentReceipt:
    """The answer to an amendment: 201 when stored, 200 (with `Idempotent-Replayed: true`) when the
    same amendment had already been stored for the report.

        Attributes:
            body_sha256 (str): SHA-256 (hex) of the amendment as received, in canonical JSON.
            number (int): The amendment's number.
            receipt (str): The portal's signed receipt (`typ` `report-receipt+jwt`): as a report's, with the
                amendment's number and body hash.
            received_at (datetime.datetime): When the portal received it (UTC).
            report_id (str): The report's id.
    """

    body_sha256: str
    number: int
    receipt: str
    received_at: datetime.datetime
    report_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        body_sha256 = self.body_sha256

        number = self.number

        receipt = self.receipt

        received_at = self.received_at.isoformat()

        report_id = self.report_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "body_sha256": body_sha256,
                "number": number,
                "receipt": receipt,
                "received_at": received_at,
                "report_id": report_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        body_sha256 = d.pop("body_sha256")

        number = d.pop("number")

        receipt = d.pop("receipt")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        report_id = d.pop("report_id")

        amendment_receipt = cls(
            body_sha256=body_sha256,
            number=number,
            receipt=receipt,
            received_at=received_at,
            report_id=report_id,
        )

        amendment_receipt.additional_properties = d
        return amendment_receipt

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
