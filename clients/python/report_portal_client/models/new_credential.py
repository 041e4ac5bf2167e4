from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.credential_mode import CredentialMode
from ..types import UNSET, Unset

T = TypeVar("T", bound="NewCredential")


@_attrs_define
class NewCredential:
    """A request for a new API credential.

    Attributes:
        label (None | str | Unset): A note on what the credential is for.
        mode (CredentialMode | Unset): Whether a credential submits real reports or exercises the API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
    """

    label: None | str | Unset = UNSET
    mode: CredentialMode | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode.value

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if label is not UNSET:
            field_dict["label"] = label
        if mode is not UNSET:
            field_dict["mode"] = mode

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))

        _mode = d.pop("mode", UNSET)
        mode: CredentialMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = CredentialMode(_mode)

        new_credential = cls(
            label=label,
            mode=mode,
        )

        return new_credential
