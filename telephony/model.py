"""The normalised, vendor-neutral model every source is mapped into.

Ids are prefixed by their source (``voicenter:SIPSIP2``) so vendors never collide.
Times are epoch seconds (UTC); the browser computes durations from them.
"""

from __future__ import annotations

from typing import Literal

import msgspec

AgentState = Literal[
    "available", "ringing", "dialing", "talking", "hold", "paused", "offline", "unknown"
]
CallStatus = Literal["ringing", "dialing", "talking", "hold", "ended"]
Direction = Literal["inbound", "outbound"]


class Agent(msgspec.Struct, kw_only=True):
    id: str
    source: str
    extension: str
    name: str
    state: AgentState
    state_reason: str = ""
    state_since: float | None = None
    call_ids: list[str] = []
    queue_ids: list[str] = []
    registered: bool | None = None


class Call(msgspec.Struct, kw_only=True):
    id: str
    source: str
    direction: Direction
    status: CallStatus
    caller: str
    callee: str
    did: str = ""
    agent_id: str | None = None
    queue_id: str | None = None
    started_at: float | None = None
    answered_at: float | None = None
    ended_at: float | None = None
    recording: bool = False


class WaitingCaller(msgspec.Struct, kw_only=True):
    call_id: str
    phone: str
    joined_at: float


class Queue(msgspec.Struct, kw_only=True):
    id: str
    source: str
    name: str
    weight: int = 0
    waiting: list[WaitingCaller] = []
    member_ids: list[str] = []
    paused_member_ids: list[str] = []
    # Today's counts, where the vendor reports them per queue (None: not reported).
    offered_today: int | None = None
    answered_today: int | None = None
    abandoned_today: int | None = None


class SourceHealth(msgspec.Struct, kw_only=True):
    source: str
    ok: bool
    last_ok_at: float | None = None
    last_error: str = ""
    latency_ms: float | None = None
    checked_at: float | None = None


class Snapshot(msgspec.Struct, kw_only=True):
    """Everything one source reported in one poll, keyed by prefixed id."""

    source: str
    agents: dict[str, Agent] = {}
    calls: dict[str, Call] = {}
    queues: dict[str, Queue] = {}


def prefixed(source: str, vendor_id: object) -> str:
    return f"{source}:{vendor_id}"


Disposition = Literal["answered", "missed", "busy", "failed"]


class FinishedCall(msgspec.Struct, kw_only=True):
    """One call from a vendor's call history, for the day's statistics."""

    id: str
    source: str
    direction: Direction
    disposition: Disposition
    started_at: float
    wait_seconds: float  # ringing/queueing before answer (or before giving up)
    talk_seconds: float
    agent_extension: str = ""
    caller: str = ""
    callee: str = ""
    recording_url: str = ""


LifecycleKind = Literal["started", "answered", "ended", "recording"]
Outcome = Literal["answered", "missed", "canceled", "busy", "failed"]


class CallEvent(msgspec.Struct, kw_only=True, frozen=True):
    """A moment in a call's life, as forwarded to sinks (helpdesk, call-tracking)."""

    kind: LifecycleKind
    call: Call  # the call as it was at that moment (ended_at set for "ended")
    occurred_at: float
    agent_extension: str = ""  # the extension that took the call, when known
    outcome: Outcome | None = None  # for "ended"
    recording_url: str = ""  # for "ended" (when known) and "recording"
