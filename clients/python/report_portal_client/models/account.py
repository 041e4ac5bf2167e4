from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.account_role import AccountRole
from ..models.platform_action import PlatformAction
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.contact_handle import ContactHandle


T = TypeVar("T", bound="Account")


@_attrs_define
class Account:
    """An account on the platform involved in the activity.

    Attributes:
        action_taken (PlatformAction): What the platform has done about a reported account.
        platform_account_id (str): The platform's stable identifier of the account, unique within the report.
        role (AccountRole): The part a reported account plays in the activity.
        contact_handles (list[ContactHandle] | Unset): Off-platform contact details the account advertises.
        created_at (datetime.datetime | None | Unset): When the account was created.
        display_name (None | str | Unset): The account's display name.
        follower_count (int | None | Unset): How many followers the account has; not negative.
        handle (None | str | Unset): The account's user name, e.g. `@someone`.
        profile_url (None | str | Unset): The absolute `http` or `https` URL of the account's profile.
    """

    action_taken: PlatformAction
    platform_account_id: str
    role: AccountRole
    contact_handles: list[ContactHandle] | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    display_name: None | str | Unset = UNSET
    follower_count: int | None | Unset = UNSET
    handle: None | str | Unset = UNSET
    profile_url: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        action_taken = self.action_taken.value

        platform_account_id = self.platform_account_id

        role = self.role.value

        contact_handles: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.contact_handles, Unset):
            contact_handles = []
            for contact_handles_item_data in self.contact_handles:
                contact_handles_item = contact_handles_item_data.to_dict()
                contact_handles.append(contact_handles_item)

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        follower_count: int | None | Unset
        if isinstance(self.follower_count, Unset):
            follower_count = UNSET
        else:
            follower_count = self.follower_count

        handle: None | str | Unset
        if isinstance(self.handle, Unset):
            handle = UNSET
        else:
            handle = self.handle

        profile_url: None | str | Unset
        if isinstance(self.profile_url, Unset):
            profile_url = UNSET
        else:
            profile_url = self.profile_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "action_taken": action_taken,
                "platform_account_id": platform_account_id,
                "role": role,
            }
        )
        if contact_handles is not UNSET:
            field_dict["contact_handles"] = contact_handles
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if follower_count is not UNSET:
            field_dict["follower_count"] = follower_count
        if handle is not UNSET:
            field_dict["handle"] = handle
        if profile_url is not UNSET:
            field_dict["profile_url"] = profile_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.contact_handle import ContactHandle  # noqa: PLC0415

        d = dict(src_dict)
        action_taken = PlatformAction(d.pop("action_taken"))

        platform_account_id = d.pop("platform_account_id")

        role = AccountRole(d.pop("role"))

        _contact_handles = d.pop("contact_handles", UNSET)
        contact_handles: list[ContactHandle] | Unset = UNSET
        if _contact_handles is not UNSET:
            contact_handles = []
            for contact_handles_item_data in _contact_handles:
                contact_handles_item = ContactHandle.from_dict(contact_handles_item_data)

                contact_handles.append(contact_handles_item)

        def _parse_created_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        def _parse_follower_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        follower_count = _parse_follower_count(d.pop("follower_count", UNSET))

        def _parse_handle(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        handle = _parse_handle(d.pop("handle", UNSET))

        def _parse_profile_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        profile_url = _parse_profile_url(d.pop("profile_url", UNSET))

        account = cls(
            action_taken=action_taken,
            platform_account_id=platform_account_id,
            role=role,
            contact_handles=contact_handles,
            created_at=created_at,
            display_name=display_name,
            follower_count=follower_count,
            handle=handle,
            profile_url=profile_url,
        )

        return account
