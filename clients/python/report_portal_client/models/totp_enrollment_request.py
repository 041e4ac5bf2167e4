from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TotpEnrollmentRequest")


@_attrs_define
class TotpEnrollmentRequest:
    """A local account's request to enroll a TOTP second factor.

    Attributes:
        email (str): The sign-in e-mail address.
        password (str): The password.
    """

    email: str
    password: str

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        password = self.password

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "password": password,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        password = d.pop("password")

        totp_enrollment_request = cls(
            email=email,
            password=password,
        )

        return totp_enrollment_request
