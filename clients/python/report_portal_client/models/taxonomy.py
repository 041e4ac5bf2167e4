from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Taxonomy")


@_attrs_define
class Taxonomy:
    """Every code list with its codes in declaration order, as published to reporters.

    Attributes:
        account_roles (list[str]): The codes of [`AccountRole`].
        categories (list[str]): The codes of [`Category`].
        contact_types (list[str]): The codes of [`ContactType`].
        content_types (list[str]): The codes of [`ContentType`].
        detection_methods (list[str]): The codes of [`DetectionMethod`].
        feedback_reasons (list[str]): Why DHS found a closed report not actionable (outcome feedback).
        indicators (list[str]): The codes of [`Indicator`].
        platform_actions (list[str]): The codes of [`PlatformAction`].
        severities (list[str]): The codes of [`Severity`], from lowest to highest.
        suspected_groups (list[str]): The codes of [`SuspectedGroup`].
    """

    account_roles: list[str]
    categories: list[str]
    contact_types: list[str]
    content_types: list[str]
    detection_methods: list[str]
    feedback_reasons: list[str]
    indicators: list[str]
    platform_actions: list[str]
    severities: list[str]
    suspected_groups: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_roles = self.account_roles

        categories = self.categories

        contact_types = self.contact_types

        content_types = self.content_types

        detection_methods = self.detection_methods

        feedback_reasons = self.feedback_reasons

        indicators = self.indicators

        platform_actions = self.platform_actions

        severities = self.severities

        suspected_groups = self.suspected_groups

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_roles": account_roles,
                "categories": categories,
                "contact_types": contact_types,
                "content_types": content_types,
                "detection_methods": detection_methods,
                "feedback_reasons": feedback_reasons,
                "indicators": indicators,
                "platform_actions": platform_actions,
                "severities": severities,
                "suspected_groups": suspected_groups,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_roles = cast(list[str], d.pop("account_roles"))

        categories = cast(list[str], d.pop("categories"))

        contact_types = cast(list[str], d.pop("contact_types"))

        content_types = cast(list[str], d.pop("content_types"))

        detection_methods = cast(list[str], d.pop("detection_methods"))

        feedback_reasons = cast(list[str], d.pop("feedback_reasons"))

        indicators = cast(list[str], d.pop("indicators"))

        platform_actions = cast(list[str], d.pop("platform_actions"))

        severities = cast(list[str], d.pop("severities"))

        suspected_groups = cast(list[str], d.pop("suspected_groups"))

        taxonomy = cls(
            account_roles=account_roles,
            categories=categories,
            contact_types=contact_types,
            content_types=content_types,
            detection_methods=detection_methods,
            feedback_reasons=feedback_reasons,
            indicators=indicators,
            platform_actions=platform_actions,
            severities=severities,
            suspected_groups=suspected_groups,
        )

        taxonomy.additional_properties = d
        return taxonomy

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
