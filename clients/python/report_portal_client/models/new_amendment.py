from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.severity import Severity
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.account import Account
    from ..models.content_item import ContentItem
    from ..models.location import Location


T = TypeVar("T", bound="NewAmendment")


@_attrs_define
class NewAmendment:
    """An amendment: a note, and any of more accounts, more content, more locations, a higher
    severity. Its lists follow the rules of the report's own lists; its `account_ref`s may name
    the report's accounts (including those added by earlier amendments) or its own.

        Example:
            {'accounts': [{'action_taken': 'banned', 'handle': '@trabajo.seguro.fake2', 'platform_account_id': '1234567891',
                'role': 'recruiter'}], 'content': [{'account_ref': '1234567891', 'content_type': 'post', 'preserved': True,
                'removed': True, 'text_excerpt': 'Buscamos chavos de 15 a 17, pago semanal'}], 'note': 'The recruiter opened a
                second account after the first was suspended, and now targets minors.', 'severity': 'critical'}

        Attributes:
            note (str): What the amendment adds or corrects, in the reporter's words.
            accounts (list[Account] | Unset): More accounts; their `platform_account_id`s are new to the report.
            content (list[ContentItem] | Unset): More pieces of content.
            locations (list[Location] | Unset): More locations.
            severity (None | Severity | Unset):
    """

    note: str
    accounts: list[Account] | Unset = UNSET
    content: list[ContentItem] | Unset = UNSET
    locations: list[Location] | Unset = UNSET
    severity: None | Severity | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        note = self.note

        accounts: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.accounts, Unset):
            accounts = []
            for accounts_item_data in self.accounts:
                accounts_item = accounts_item_data.to_dict()
                accounts.append(accounts_item)

        content: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.content, Unset):
            content = []
            for content_item_data in self.content:
                content_item = content_item_data.to_dict()
                content.append(content_item)

        locations: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.locations, Unset):
            locations = []
            for locations_item_data in self.locations:
                locations_item = locations_item_data.to_dict()
                locations.append(locations_item)

        severity: None | str | Unset
        if isinstance(self.severity, Unset):
            severity = UNSET
        elif isinstance(self.severity, Severity):
            severity = self.severity.value
        else:
            severity = self.severity

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "note": note,
            }
        )
        if accounts is not UNSET:
            field_dict["accounts"] = accounts
        if content is not UNSET:
            field_dict["content"] = content
        if locations is not UNSET:
            field_dict["locations"] = locations
        if severity is not UNSET:
            field_dict["severity"] = severity

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.account import Account  # noqa: PLC0415
        from ..models.content_item import ContentItem  # noqa: PLC0415
        from ..models.location import Location  # noqa: PLC0415

        d = dict(src_dict)
        note = d.pop("note")

        _accounts = d.pop("accounts", UNSET)
        accounts: list[Account] | Unset = UNSET
        if _accounts is not UNSET:
            accounts = []
            for accounts_item_data in _accounts:
                accounts_item = Account.from_dict(accounts_item_data)

                accounts.append(accounts_item)

        _content = d.pop("content", UNSET)
        content: list[ContentItem] | Unset = UNSET
        if _content is not UNSET:
            content = []
            for content_item_data in _content:
                content_item = ContentItem.from_dict(content_item_data)

                content.append(content_item)

        _locations = d.pop("locations", UNSET)
        locations: list[Location] | Unset = UNSET
        if _locations is not UNSET:
            locations = []
            for locations_item_data in _locations:
                locations_item = Location.from_dict(locations_item_data)

                locations.append(locations_item)

        def _parse_severity(data: object) -> None | Severity | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                severity_type_1 = Severity(data)

                return severity_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Severity | Unset, data)

        severity = _parse_severity(d.pop("severity", UNSET))

        new_amendment = cls(
            note=note,
            accounts=accounts,
            content=content,
            locations=locations,
            severity=severity,
        )

        return new_amendment
