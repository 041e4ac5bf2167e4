from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_error import FieldError
    from ..models.tombstone import Tombstone


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem:
    """The RFC 9457 problem document every error response carries (except the token endpoint's).

    Attributes:
        detail (str): What went wrong, for a human.
        status (int): The HTTP status code.
        title (str): The HTTP reason phrase.
        type_ (str): A URI naming the kind of problem, e.g. `urn:report-portal:problem:validation-failed`.
        allowed (list[str] | None | Unset): For 409 on a transition: the statuses the report may move to.
        errors (list[FieldError] | Unset): For 422: every broken rule, located by a JSON Pointer.
        existing_id (None | str | Unset): For 409 on a report: the id of the report already stored under that
            `external_id`.
        request_id (None | str | Unset): The request's id, as in the `X-Request-Id` response header; quote it when
            reporting a problem.
        tombstone (None | Tombstone | Unset):
    """

    detail: str
    status: int
    title: str
    type_: str
    allowed: list[str] | None | Unset = UNSET
    errors: list[FieldError] | Unset = UNSET
    existing_id: None | str | Unset = UNSET
    request_id: None | str | Unset = UNSET
    tombstone: None | Tombstone | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.tombstone import Tombstone  # noqa: PLC0415

        detail = self.detail

        status = self.status

        title = self.title

        type_ = self.type_

        allowed: list[str] | None | Unset
        if isinstance(self.allowed, Unset):
            allowed = UNSET
        elif isinstance(self.allowed, list):
            allowed = self.allowed

        else:
            allowed = self.allowed

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        existing_id: None | str | Unset
        if isinstance(self.existing_id, Unset):
            existing_id = UNSET
        else:
            existing_id = self.existing_id

        request_id: None | str | Unset
        if isinstance(self.request_id, Unset):
            request_id = UNSET
        else:
            request_id = self.request_id

        tombstone: dict[str, Any] | None | Unset
        if isinstance(self.tombstone, Unset):
            tombstone = UNSET
        elif isinstance(self.tombstone, Tombstone):
            tombstone = self.tombstone.to_dict()
        else:
            tombstone = self.tombstone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "detail": detail,
                "status": status,
                "title": title,
                "type": type_,
            }
        )
        if allowed is not UNSET:
            field_dict["allowed"] = allowed
        if errors is not UNSET:
            field_dict["errors"] = errors
        if existing_id is not UNSET:
            field_dict["existing_id"] = existing_id
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if tombstone is not UNSET:
            field_dict["tombstone"] = tombstone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.field_error import FieldError  # noqa: PLC0415
        from ..models.tombstone import Tombstone  # noqa: PLC0415

        d = dict(src_dict)
        detail = d.pop("detail")

        status = d.pop("status")

        title = d.pop("title")

        type_ = d.pop("type")

        def _parse_allowed(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                allowed_type_0 = cast(list[str], data)

                return allowed_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        allowed = _parse_allowed(d.pop("allowed", UNSET))

        _errors = d.pop("errors", UNSET)
        errors: list[FieldError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = FieldError.from_dict(errors_item_data)

                errors.append(errors_item)

        def _parse_existing_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        existing_id = _parse_existing_id(d.pop("existing_id", UNSET))

        def _parse_request_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        request_id = _parse_request_id(d.pop("request_id", UNSET))

        def _parse_tombstone(data: object) -> None | Tombstone | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tombstone_type_1 = Tombstone.from_dict(data)

                return tombstone_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Tombstone | Unset, data)

        tombstone = _parse_tombstone(d.pop("tombstone", UNSET))

        problem = cls(
            detail=detail,
            status=status,
            title=title,
            type_=type_,
            allowed=allowed,
            errors=errors,
            existing_id=existing_id,
            request_id=request_id,
            tombstone=tombstone,
        )

        problem.additional_properties = d
        return problem

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
