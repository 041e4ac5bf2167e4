from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.outcome import Outcome
from ..types import UNSET, Unset

T = TypeVar("T", bound="AuditEvent")


@_attrs_define
class AuditEvent:
    """One audit event. `seq`, `prev_hash` and `hash` are set when the event is sealed into the
    chain, within seconds of being written.

        Attributes:
            action (str): What, e.g. `report.read`, `report.submit`, `auth.login`, `user.update`.
            at (datetime.datetime): When it happened (UTC).
            id (str): The event's id (UUIDv7).
            outcome (Outcome): How an audited action ended.
            actor (None | str | Unset): Who: a user id, an API client id, or `null` for the command line and the system.
            hash_ (None | str | Unset): SHA-256(prev_hash ‖ canonical event), hex.
            ip (None | str | Unset): The client's address.
            prev_hash (None | str | Unset): The hash of the event before.
            request_id (None | str | Unset): The request's id.
            role (None | str | Unset): The actor's role.
            seq (int | None | Unset): Position in the chain (1, 2, …).
            target (None | str | Unset): On what, e.g. a report id or a user id.
    """

    action: str
    at: datetime.datetime
    id: str
    outcome: Outcome
    actor: None | str | Unset = UNSET
    hash_: None | str | Unset = UNSET
    ip: None | str | Unset = UNSET
    prev_hash: None | str | Unset = UNSET
    request_id: None | str | Unset = UNSET
    role: None | str | Unset = UNSET
    seq: int | None | Unset = UNSET
    target: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        at = self.at.isoformat()

        id = self.id

        outcome = self.outcome.value

        actor: None | str | Unset
        if isinstance(self.actor, Unset):
            actor = UNSET
        else:
            actor = self.actor

        hash_: None | str | Unset
        if isinstance(self.hash_, Unset):
            hash_ = UNSET
        else:
            hash_ = self.hash_

        ip: None | str | Unset
        if isinstance(self.ip, Unset):
            ip = UNSET
        else:
            ip = self.ip

        prev_hash: None | str | Unset
        if isinstance(self.prev_hash, Unset):
            prev_hash = UNSET
        else:
            prev_hash = self.prev_hash

        request_id: None | str | Unset
        if isinstance(self.request_id, Unset):
            request_id = UNSET
        else:
            request_id = self.request_id

        role: None | str | Unset
        if isinstance(self.role, Unset):
            role = UNSET
        else:
            role = self.role

        seq: int | None | Unset
        if isinstance(self.seq, Unset):
            seq = UNSET
        else:
            seq = self.seq

        target: None | str | Unset
        if isinstance(self.target, Unset):
            target = UNSET
        else:
            target = self.target

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "at": at,
                "id": id,
                "outcome": outcome,
            }
        )
        if actor is not UNSET:
            field_dict["actor"] = actor
        if hash_ is not UNSET:
            field_dict["hash"] = hash_
        if ip is not UNSET:
            field_dict["ip"] = ip
        if prev_hash is not UNSET:
            field_dict["prev_hash"] = prev_hash
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if role is not UNSET:
            field_dict["role"] = role
        if seq is not UNSET:
            field_dict["seq"] = seq
        if target is not UNSET:
            field_dict["target"] = target

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        id = d.pop("id")

        outcome = Outcome(d.pop("outcome"))

        def _parse_actor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor = _parse_actor(d.pop("actor", UNSET))

        def _parse_hash_(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        hash_ = _parse_hash_(d.pop("hash", UNSET))

        def _parse_ip(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ip = _parse_ip(d.pop("ip", UNSET))

        def _parse_prev_hash(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        prev_hash = _parse_prev_hash(d.pop("prev_hash", UNSET))

        def _parse_request_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        request_id = _parse_request_id(d.pop("request_id", UNSET))

        def _parse_role(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        role = _parse_role(d.pop("role", UNSET))

        def _parse_seq(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        seq = _parse_seq(d.pop("seq", UNSET))

        def _parse_target(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        target = _parse_target(d.pop("target", UNSET))

        audit_event = cls(
            action=action,
            at=at,
            id=id,
            outcome=outcome,
            actor=actor,
            hash_=hash_,
            ip=ip,
            prev_hash=prev_hash,
            request_id=request_id,
            role=role,
            seq=seq,
            target=target,
        )

        audit_event.additional_properties = d
        return audit_event

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
