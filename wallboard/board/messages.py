"""The browser protocol as code (DESIGN.md "Browser protocol"). Nobody builds these inline.

Messages are encoded once per board and forwarded as text to every socket, so fan-out does no
per-client serialisation.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

import msgspec

LAYER_EVENT_TYPE = "board.message"  # handled by BoardConsumer.board_message
BOARD_CHANGED = {"type": "board.changed"}  # BoardConsumer.board_changed: re-check and resend

_encoder = msgspec.json.Encoder()


class BoardState(TypedDict):
    agents: dict[str, Any]
    calls: dict[str, Any]
    queues: dict[str, Any]
    sources: dict[str, Any]
    stats: dict[str, Any]
    recent_calls: dict[str, Any]
    sms: dict[str, Any]
    series: dict[str, Any]


class SnapshotMessage(TypedDict):
    type: Literal["snapshot"]
    version: int
    server_time: float
    code_version: str
    state: BoardState


class DeltaMessage(TypedDict):
    type: Literal["delta"]
    version: int
    server_time: float
    changes: dict[str, dict[str, Any]]


class LayerEvent(TypedDict):
    type: Literal["board.message"]
    text: str


def group_name(slug: str) -> str:
    return f"board.{slug}"


def encode_snapshot(version: int, server_time: float, state: BoardState, page: str) -> str:
    message: SnapshotMessage = {
        "type": "snapshot",
        "version": version,
        "server_time": server_time,
        "code_version": page,
        "state": state,
    }
    return _encoder.encode(message).decode()


def encode_changes(changes: dict[str, dict[str, Any]]) -> str:
    return _encoder.encode(changes).decode()


def delta_text(version: int, server_time: float, changes_json: str) -> str:
    """The delta for one board; `changes_json` is encoded once and shared by every board."""
    return (
        f'{{"type":"delta","version":{version},"server_time":{server_time:.3f},'
        f'"changes":{changes_json}}}'
    )


def layer_event(text: str) -> LayerEvent:
    return {"type": LAYER_EVENT_TYPE, "text": text}
