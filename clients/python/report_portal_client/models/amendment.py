from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.new_amendment import NewAmendment


T = TypeVar("T", bound="Amendment")


@_attrs_define
class Amendment:
    """An amendment as stored, shown to the submitter and to analysts.

    Attributes:
        amendment (NewAmendment): An amendment: a note, and any of more accounts, more content, more locations, a higher
            severity. Its lists follow the rules of the report's own lists; its `account_ref`s may name
            the report's accounts (including those added by earlier amendments) or its own. Example: {'accounts':
            [{'action_taken': 'banned', 'handle': '@trabajo.seguro.fake2', 'platform_account_id': '1234567891', 'role':
            'recruiter'}], 'content': [{'account_ref': '1234567891', 'content_type': 'post', 'preserved': True, 'removed':
            True, 'text_excerpt': 'Buscamos chavos de 15 a 17, pago semanal'}], 'note': 'The recruiter opened a second
            account after the first was suspended, and now targets minors.', 'severity': 'critical'}.
        body_sha256 (str): SHA-256 (hex) of the amendment as received, in canonical JSON.
        number (int): 1 for the first amendment of a report, then 2, 3, …
        received_at (datetime.datetime): When the portal received it (UTC).
    """

    amendment: NewAmendment
    body_sha256: str
    number: int
    received_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amendment = self.amendment.to_dict()

        body_sha256 = self.body_sha256

        number = self.number

        received_at = self.received_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amendment": amendment,
                "body_sha256": body_sha256,
                "number": number,
                "received_at": received_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.new_amendment import NewAmendment  # noqa: PLC0415

        d = dict(src_dict)
        amendment = NewAmendment.from_dict(d.pop("amendment"))

        body_sha256 = d.pop("body_sha256")

        number = d.pop("number")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        amendment = cls(
            amendment=amendment,
            body_sha256=body_sha256,
            number=number,
            received_at=received_at,
        )

        amendment.additional_properties = d
        return amendment

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
