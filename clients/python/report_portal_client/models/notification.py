from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.notification_kind import NotificationKind
from ..models.notification_status import NotificationStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="Notification")


@_attrs_define
class Notification:
    """A notification as admins see it: never any report content, only which report it is about, and
    never an enrollment link, only which account it enrolls.

        Attributes:
            attempts (int): Delivery attempts made so far.
            created_at (datetime.datetime): When it was queued, in the same transaction as the report (UTC).
            id (str): The notification's id (UUIDv7); its messages carry `Message-ID: <outbox-{id}@…>`.
            kind (NotificationKind): What a notification tells its recipients; each kind has its own message templates.
            next_attempt_at (datetime.datetime): When a pending notification is next tried (UTC).
            recipients (list[str]): The addresses of the latest attempt.
            status (NotificationStatus): Where a notification stands.
            urgent (bool): Sent before the others, with `[URGENT]` in the subject (critical reports).
            last_error (None | str | Unset): Why the latest failed attempt failed, e.g. the mail server's answer.
            report_id (None | str | Unset): The report it is about (`new_report`).
            sent_at (datetime.datetime | None | Unset): When the mail server accepted it (UTC).
            user_id (None | str | Unset): The account it enrolls (`staff_enrollment`).
    """

    attempts: int
    created_at: datetime.datetime
    id: str
    kind: NotificationKind
    next_attempt_at: datetime.datetime
    recipients: list[str]
    status: NotificationStatus
    urgent: bool
    last_error: None | str | Unset = UNSET
    report_id: None | str | Unset = UNSET
    sent_at: datetime.datetime | None | Unset = UNSET
    user_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        created_at = self.created_at.isoformat()

        id = self.id

        kind = self.kind.value

        next_attempt_at = self.next_attempt_at.isoformat()

        recipients = self.recipients

        status = self.status.value

        urgent = self.urgent

        last_error: None | str | Unset
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        else:
            last_error = self.last_error

        report_id: None | str | Unset
        if isinstance(self.report_id, Unset):
            report_id = UNSET
        else:
            report_id = self.report_id

        sent_at: None | str | Unset
        if isinstance(self.sent_at, Unset):
            sent_at = UNSET
        elif isinstance(self.sent_at, datetime.datetime):
            sent_at = self.sent_at.isoformat()
        else:
            sent_at = self.sent_at

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempts": attempts,
                "created_at": created_at,
                "id": id,
                "kind": kind,
                "next_attempt_at": next_attempt_at,
                "recipients": recipients,
                "status": status,
                "urgent": urgent,
            }
        )
        if last_error is not UNSET:
            field_dict["last_error"] = last_error
        if report_id is not UNSET:
            field_dict["report_id"] = report_id
        if sent_at is not UNSET:
            field_dict["sent_at"] = sent_at
        if user_id is not UNSET:
            field_dict["user_id"] = user_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempts = d.pop("attempts")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        kind = NotificationKind(d.pop("kind"))

        next_attempt_at = datetime.datetime.fromisoformat(d.pop("next_attempt_at"))

        recipients = cast(list[str], d.pop("recipients"))

        status = NotificationStatus(d.pop("status"))

        urgent = d.pop("urgent")

        def _parse_last_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_error = _parse_last_error(d.pop("last_error", UNSET))

        def _parse_report_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        report_id = _parse_report_id(d.pop("report_id", UNSET))

        def _parse_sent_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sent_at_type_0 = datetime.datetime.fromisoformat(data)

                return sent_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        sent_at = _parse_sent_at(d.pop("sent_at", UNSET))

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("user_id", UNSET))

        notification = cls(
            attempts=attempts,
            created_at=created_at,
            id=id,
            kind=kind,
            next_attempt_at=next_attempt_at,
            recipients=recipients,
            status=status,
            urgent=urgent,
            last_error=last_error,
            report_id=report_id,
            sent_at=sent_at,
            user_id=user_id,
        )

        notification.additional_properties = d
        return notification

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
