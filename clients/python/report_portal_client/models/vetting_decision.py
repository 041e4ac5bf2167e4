from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.organization_status import OrganizationStatus

T = TypeVar("T", bound="VettingDecision")


@_attrs_define
class VettingDecision:
    """An administrator's vetting decision: the new status and why.

    Attributes:
        reason (str): Why, for the vetting history.
        status (OrganizationStatus): Where an organization stands in vetting; only `vetted` organizations get tokens and
            submit.
    """

    reason: str
    status: OrganizationStatus

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reason = d.pop("reason")

        status = OrganizationStatus(d.pop("status"))

        vetting_decision = cls(
            reason=reason,
            status=status,
        )

        return vetting_decision
