"""What each action takes, and which vendor method carries it out.

A spec turns the posted fields into (source, method keyword arguments) or raises
InvalidAction with a message that says what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string

from telephony.phones import normalise_phone
from telephony.registry import PBX_BACKENDS
from wallboard.board import store
from wallboard.board.sources import active_sources

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from telephony.model import Agent


class InvalidAction(ValueError):
    """Bad input from the supervisor's browser: answered with a 400 and this message."""


@dataclass(frozen=True)
class ActionSpec:
    name: str
    method: str  # the PbxClient method that performs it
    parse: Callable[[Mapping[str, Any]], tuple[str, str, dict[str, Any]]]  # source, target, kwargs


def required(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidAction(f"'{name}' is required")
    return value.strip()


def source_of(prefixed_id: str, field: str) -> str:
    source, sep, rest = prefixed_id.partition(":")
    if not sep or not rest:
        raise InvalidAction(f"'{field}' must look like '<source>:<id>', got {prefixed_id!r}")
    if source not in active_sources():
        raise InvalidAction(f"'{field}' names source {source!r}, which is not configured")
    return source


def agent_on_board(fields: Mapping[str, Any]) -> tuple[str, Agent]:
    agent_id = required(fields, "agent_id")
    source = source_of(agent_id, "agent_id")
    snapshot = store.load_snapshot(source)
    agent = snapshot.agents.get(agent_id) if snapshot else None
    if agent is None:
        raise InvalidAction(f"no agent {agent_id!r} on the board")
    return source, agent


def phone_number(fields: Mapping[str, Any]) -> str:
    try:
        return normalise_phone(required(fields, "number"))
    except ValueError as exc:
        raise InvalidAction(f"'number': {exc}") from None


def parse_originate(fields: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
    source, agent = agent_on_board(fields)
    return source, agent.id, {"to": phone_number(fields), "extension": agent.extension}


def parse_agent(fields: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
    source, agent = agent_on_board(fields)
    return source, agent.id, {"agent": agent}


def parse_hangup(fields: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
    call_id = required(fields, "call_id")
    return source_of(call_id, "call_id"), call_id, {"call_id": call_id}


def parse_kick(fields: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
    queue_id = required(fields, "queue_id")
    source = source_of(queue_id, "queue_id")
    call_id = required(fields, "call_id")
    if source_of(call_id, "call_id") != source:
        raise InvalidAction("'call_id' and 'queue_id' belong to different sources")
    more_data = fields.get("more_data") or None
    allowed = [d["value"] for d in settings.WALLBOARD_KICK_DESTINATIONS]
    if more_data is not None and more_data not in allowed:
        raise InvalidAction(f"'more_data' must be one of the configured destinations: {allowed}")
    return source, call_id, {"queue_id": queue_id, "call_ids": [call_id], "more_data": more_data}


def parse_bridge(fields: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
    source = required(fields, "source")
    if source not in active_sources():
        raise InvalidAction(f"'source' {source!r} is not configured")
    path = required(fields, "path")
    return source, path, {"number": phone_number(fields), "path": path}


ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in [
        ActionSpec("call", "originate", parse_originate),
        ActionSpec("hangup", "hangup", parse_hangup),
        ActionSpec("kick", "kick", parse_kick),
        ActionSpec("pause", "pause", parse_agent),
        ActionSpec("unpause", "unpause", parse_agent),
        ActionSpec("bridge", "bridge", parse_bridge),
    ]
}


def capabilities() -> dict[str, list[str]]:
    """Which actions each active source's client can carry out, for the page's buttons."""
    result = {}
    for source in active_sources():
        backend = import_string(PBX_BACKENDS[source])
        result[source] = [name for name, spec in ACTIONS.items() if hasattr(backend, spec.method)]
    return result
