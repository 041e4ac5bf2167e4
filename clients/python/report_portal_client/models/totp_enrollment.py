from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TotpEnrollment")


@_attrs_define
class TotpEnrollment:
    """A new TOTP factor, shown once.

    Attributes:
        otpauth_uri (str): The `otpauth://totp/…` URI of the secret (RFC 6238, SHA-1, 6 digits, 30 s), for a QR code.
        recovery_codes (list[str]): Ten single-use recovery codes, each good for one sign-in instead of a code.
        secret (str): The secret (base32), for typing into an authenticator app.
    """

    otpauth_uri: str
    recovery_codes: list[str]
    secret: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        otpauth_uri = self.otpauth_uri

        recovery_codes = self.recovery_codes

        secret = self.secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "otpauth_uri": otpauth_uri,
                "recovery_codes": recovery_codes,
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        otpauth_uri = d.pop("otpauth_uri")

        recovery_codes = cast(list[str], d.pop("recovery_codes"))

        secret = d.pop("secret")

        totp_enrollment = cls(
            otpauth_uri=otpauth_uri,
            recovery_codes=recovery_codes,
            secret=secret,
        )

        totp_enrollment.additional_properties = d
        return totp_enrollment

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
