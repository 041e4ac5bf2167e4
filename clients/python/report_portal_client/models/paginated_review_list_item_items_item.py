from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.category import Category
from ..models.credential_mode import CredentialMode
from ..models.report_status import ReportStatus
from ..models.severity import Severity
from ..types import UNSET, Unset

T = TypeVar("T", bound="PaginatedReviewListItemItemsItem")


@_attrs_define
class PaginatedReviewListItemItemsItem:
    """A line of the review list, with how widely its indicators have been reported.

    Attributes:
        category (Category): What kind of cartel activity the report is about.
        external_id (str): The organization's own identifier.
        id (str): The report's id.
        mode (CredentialMode): Whether a credential submits real reports or exercises the API.

            Test-mode reports are marked so: they never notify and never count in the statistics.
        organization_id (str): The submitting organization.
        received_at (datetime.datetime): When the portal stored it (UTC).
        service (str): Where the activity was seen.
        severity (Severity): How urgent the report is, ordered from `low` to `critical`.
        status (ReportStatus): The status of a report as DHS works it.
        other_organizations (int): How many other organizations reported an indicator this report shares (0 for test-
            mode
            reports, which are matched only within their organization).
        assignee_id (None | str | Unset): Who is working it.
    """

    category: Category
    external_id: str
    id: str
    mode: CredentialMode
    organization_id: str
    received_at: datetime.datetime
    service: str
    severity: Severity
    status: ReportStatus
    other_organizations: int
    assignee_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category.value

        external_id = self.external_id

        id = self.id

        mode = self.mode.value

        organization_id = self.organization_id

        received_at = self.received_at.isoformat()

        service = self.service

        severity = self.severity.value

        status = self.status.value

        other_organizations = self.other_organizations

        assignee_id: None | str | Unset
        if isinstance(self.assignee_id, Unset):
            assignee_id = UNSET
        else:
            assignee_id = self.assignee_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "external_id": external_id,
                "id": id,
                "mode": mode,
                "organization_id": organization_id,
                "received_at": received_at,
                "service": service,
                "severity": severity,
                "status": status,
                "other_organizations": other_organizations,
            }
        )
        if assignee_id is not UNSET:
            field_dict["assignee_id"] = assignee_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = Category(d.pop("category"))

        external_id = d.pop("external_id")

        id = d.pop("id")

        mode = CredentialMode(d.pop("mode"))

        organization_id = d.pop("organization_id")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        service = d.pop("service")

        severity = Severity(d.pop("severity"))

        status = ReportStatus(d.pop("status"))

        other_organizations = d.pop("other_organizations")

        def _parse_assignee_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        assignee_id = _parse_assignee_id(d.pop("assignee_id", UNSET))

        paginated_review_list_item_items_item = cls(
            category=category,
            external_id=external_id,
            id=id,
            mode=mode,
            organization_id=organization_id,
            received_at=received_at,
            service=service,
            severity=severity,
            status=status,
            other_organizations=other_organizations,
            assignee_id=assignee_id,
        )

        paginated_review_list_item_items_item.additional_properties = d
        return paginated_review_list_item_items_item

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
