from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.user_changes_role_type_1 import UserChangesRoleType1
from ..models.user_changes_role_type_2_type_1 import UserChangesRoleType2Type1
from ..models.user_changes_role_type_3_type_1 import UserChangesRoleType3Type1
from ..types import UNSET, Unset

T = TypeVar("T", bound="UserChanges")


@_attrs_define
class UserChanges:
    """Changes to a staff account; absent fields stay as they are.

    Attributes:
        active (bool | None | Unset): Activate or deactivate: a deactivated user's tokens stop working.
        display_name (None | str | Unset): A new display name.
        notify (bool | None | Unset): Opt in or out of new-report e-mail.
        role (None | Unset | UserChangesRoleType1 | UserChangesRoleType2Type1 | UserChangesRoleType3Type1):
    """

    active: bool | None | Unset = UNSET
    display_name: None | str | Unset = UNSET
    notify: bool | None | Unset = UNSET
    role: None | Unset | UserChangesRoleType1 | UserChangesRoleType2Type1 | UserChangesRoleType3Type1 = UNSET

    def to_dict(self) -> dict[str, Any]:
        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        notify: bool | None | Unset
        if isinstance(self.notify, Unset):
            notify = UNSET
        else:
            notify = self.notify

        role: None | str | Unset
        if isinstance(self.role, Unset):
            role = UNSET
        elif isinstance(self.role, UserChangesRoleType1):
            role = self.role.value
        elif isinstance(self.role, UserChangesRoleType2Type1):
            role = self.role.value
        elif isinstance(self.role, UserChangesRoleType3Type1):
            role = self.role.value
        else:
            role = self.role

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if notify is not UNSET:
            field_dict["notify"] = notify
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        active = _parse_active(d.pop("active", UNSET))

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        def _parse_notify(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        notify = _parse_notify(d.pop("notify", UNSET))

        def _parse_role(
            data: object,
        ) -> None | Unset | UserChangesRoleType1 | UserChangesRoleType2Type1 | UserChangesRoleType3Type1:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_1 = UserChangesRoleType1(data)

                return role_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_2_type_1 = UserChangesRoleType2Type1(data)

                return role_type_2_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, str):
                    raise TypeError()
                role_type_3_type_1 = UserChangesRoleType3Type1(data)

                return role_type_3_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None | Unset | UserChangesRoleType1 | UserChangesRoleType2Type1 | UserChangesRoleType3Type1, data
            )

        role = _parse_role(d.pop("role", UNSET))

        user_changes = cls(
            active=active,
            display_name=display_name,
            notify=notify,
            role=role,
        )

        return user_changes
