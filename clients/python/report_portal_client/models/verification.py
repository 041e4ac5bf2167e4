from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Verification")


@_attrs_define
class Verification:
    """The answer of a chain verification.

    Attributes:
        checked (int): How many events were found in place before the first fault (all of them when valid).
        valid (bool): Whether every event is intact, in place, and the chain reaches its latest signed
            checkpoint (none missing at its end).
        checkpoint_seq (int | None | Unset): The position of the latest signed checkpoint checked against (none yet:
            absent).
        first_invalid (None | str | Unset): The id of the first event that is altered, missing, or out of place (when
            known).
        first_invalid_seq (int | None | Unset): The position of that event.
        reason (None | str | Unset): What is wrong there.
    """

    checked: int
    valid: bool
    checkpoint_seq: int | None | Unset = UNSET
    first_invalid: None | str | Unset = UNSET
    first_invalid_seq: int | None | Unset = UNSET
    reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        checked = self.checked

        valid = self.valid

        checkpoint_seq: int | None | Unset
        if isinstance(self.checkpoint_seq, Unset):
            checkpoint_seq = UNSET
        else:
            checkpoint_seq = self.checkpoint_seq

        first_invalid: None | str | Unset
        if isinstance(self.first_invalid, Unset):
            first_invalid = UNSET
        else:
            first_invalid = self.first_invalid

        first_invalid_seq: int | None | Unset
        if isinstance(self.first_invalid_seq, Unset):
            first_invalid_seq = UNSET
        else:
            first_invalid_seq = self.first_invalid_seq

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "checked": checked,
                "valid": valid,
            }
        )
        if checkpoint_seq is not UNSET:
            field_dict["checkpoint_seq"] = checkpoint_seq
        if first_invalid is not UNSET:
            field_dict["first_invalid"] = first_invalid
        if first_invalid_seq is not UNSET:
            field_dict["first_invalid_seq"] = first_invalid_seq
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        checked = d.pop("checked")

        valid = d.pop("valid")

        def _parse_checkpoint_seq(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        checkpoint_seq = _parse_checkpoint_seq(d.pop("checkpoint_seq", UNSET))

        def _parse_first_invalid(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        first_invalid = _parse_first_invalid(d.pop("first_invalid", UNSET))

        def _parse_first_invalid_seq(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        first_invalid_seq = _parse_first_invalid_seq(d.pop("first_invalid_seq", UNSET))

        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))

        verification = cls(
            checked=checked,
            valid=valid,
            checkpoint_seq=checkpoint_seq,
            first_invalid=first_invalid,
            first_invalid_seq=first_invalid_seq,
            reason=reason,
        )

        verification.additional_properties = d
        return verification

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
