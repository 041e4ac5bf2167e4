from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ReasonRequest")


@_attrs_define
class ReasonRequest:
    """A supervisor's request to place a legal hold on a report, or to release it for purge.

    Attributes:
        reason (str): Why (e.g. the litigation or the records request that requires the report be kept).
    """

    reason: str

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = d.pop("reason")

        reason_request = cls(
            reason=reason,
        )

        return reason_request
