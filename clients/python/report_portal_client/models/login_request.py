from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LoginRequest")


@_attrs_define
class LoginRequest:
    """A staff member's sign-in.

    Attributes:
        email (str): The sign-in e-mail address (any case), at most 254 characters.
        password (str): The password.
        otp (None | str | Unset): The current code of the account's TOTP factor (6 digits), when it has one (or to
            confirm
            the one just enrolled).
        recovery_code (None | str | Unset): One of the account's recovery codes, instead of `otp`; each works once.
    """

    email: str
    password: str
    otp: None | str | Unset = UNSET
    recovery_code: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        password = self.password

        otp: None | str | Unset
        if isinstance(self.otp, Unset):
            otp = UNSET
        else:
            otp = self.otp

        recovery_code: None | str | Unset
        if isinstance(self.recovery_code, Unset):
            recovery_code = UNSET
        else:
            recovery_code = self.recovery_code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "password": password,
            }
        )
        if otp is not UNSET:
            field_dict["otp"] = otp
        if recovery_code is not UNSET:
            field_dict["recovery_code"] = recovery_code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        password = d.pop("password")

        def _parse_otp(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        otp = _parse_otp(d.pop("otp", UNSET))

        def _parse_recovery_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        recovery_code = _parse_recovery_code(d.pop("recovery_code", UNSET))

        login_request = cls(
            email=email,
            password=password,
            otp=otp,
            recovery_code=recovery_code,
        )

        return login_request
