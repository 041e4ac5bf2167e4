from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="EnrollmentRequest")


@_attrs_define
class EnrollmentRequest:
    """A staff member's enrollment: the token of the e-mailed link and the password they choose.

    Attributes:
        password (str): The password chosen: at least 12 characters and not easily guessed.
        token (str): The token from the enrollment e-mail.
    """

    password: str
    token: str

    def to_dict(self) -> dict[str, Any]:
        password = self.password

        token = self.token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "password": password,
                "token": token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        password = d.pop("password")

        token = d.pop("token")

        enrollment_request = cls(
            password=password,
            token=token,
        )

        return enrollment_request
