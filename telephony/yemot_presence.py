"""Yemot queues and their members, normalised: queue tiles, waiting callers and agent states.

Reference: PUBLIC_CLIENTS.md §1a. A member's ``Status`` carries Asterisk's device state (the field
names are Asterisk's QueueMember, and a public dashboard treats 2 as "in a call"), as a code or
its name; ``Paused`` is Asterisk's per-queue pause. Yemot gives no time a state began, so
``state_since`` is left for the board to date from its own polls.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from telephony.model import Agent, AgentState, Queue, Snapshot, WaitingCaller, prefixed

if TYPE_CHECKING:
    from collections.abc import Mapping

    from telephony.yemot_wire import Entry, Member, QueueAnswer, Quirks

SOURCE = "yemot"

# Asterisk's ast_device_state, by code and by the name `queue show` prints (letters only).
DEVICE_STATES: dict[str, AgentState] = {
    "": "unknown",  # no Status at all
    "0": "unknown",
    "unknown": "unknown",
    "1": "available",
    "notinuse": "available",
    "2": "talking",
    "inuse": "talking",
    "3": "talking",  # Busy: the device is on a call
    "busy": "talking",
    "4": "offline",  # Invalid: no such device
    "invalid": "offline",
    "5": "offline",
    "unavailable": "offline",
    "6": "ringing",
    "ringing": "ringing",
    "7": "talking",  # Ringing while in use: the call in progress is what the agent is doing
    "ringinuse": "talking",
    "8": "hold",
    "onhold": "hold",
}
ON_A_CALL: frozenset[AgentState] = frozenset({"talking", "hold", "ringing"})
# One device, several queues: polled a moment apart, the most engaged state is the freshest news.
_ENGAGEMENT: tuple[AgentState, ...] = ("talking", "hold", "ringing", "available", "offline")
_NOT_LETTERS = re.compile(r"[^a-z0-9]")
_TECHNOLOGY = re.compile(r"^[A-Za-z]+/")  # "SIP/", "PJSIP/", "Local/"


def to_snapshot(
    answers: Mapping[str, QueueAnswer],
    registered: Mapping[str, bool] | None,
    now: float,
    quirks: Quirks,
) -> Snapshot:
    """``answers`` by queue path; ``registered`` by SIP user name, None when unknown."""
    snapshot = Snapshot(source=SOURCE)
    seats: dict[str, list[tuple[str, Member]]] = {}
    for path, answer in answers.items():
        queue = to_queue(path, answer, now, quirks)
        snapshot.queues[queue.id] = queue
        for member in answer.members:
            seats.setdefault(member.agent, []).append((path, member))
    for name, memberships in seats.items():
        agent = to_agent(name, memberships, registration(name, registered), quirks)
        snapshot.agents[agent.id] = agent
    return snapshot


def to_queue(path: str, answer: QueueAnswer, now: float, quirks: Quirks) -> Queue:
    """Today's counts are Yemot's counters (Asterisk's, since the queue's stats were reset);
    offered is everyone who entered: answered, abandoned, and waiting now."""
    ordered = sorted(
        enumerate(answer.entries),
        key=lambda pair: (pair[1].Position is None, pair[1].Position or 0, pair[0]),
    )
    answered, abandoned = answer.data.Completed, answer.data.Abandoned
    known = answered is not None and abandoned is not None
    return Queue(
        id=prefixed(SOURCE, path),
        source=SOURCE,
        name=answer.data.Name or path,
        waiting=[waiting_caller(entry, now, quirks) for _, entry in ordered],
        member_ids=[prefixed(SOURCE, member.agent) for member in answer.members],
        paused_member_ids=[prefixed(SOURCE, m.agent) for m in answer.members if m.Paused],
        offered_today=(answered or 0) + (abandoned or 0) + len(ordered) if known else None,
        answered_today=answered,
        abandoned_today=abandoned,
    )


def waiting_caller(entry: Entry, now: float, quirks: Quirks) -> WaitingCaller:
    if entry.Wait is None:
        quirks.note("GetQueueRealTime entries: no Wait, so joined now")
    return WaitingCaller(
        call_id=prefixed(SOURCE, entry.CallId),
        phone=str(entry.phone),
        joined_at=now - (entry.Wait or 0),
    )


def to_agent(
    name: str, memberships: list[tuple[str, Member]], registered: bool | None, quirks: Quirks
) -> Agent:
    """Paused in every queue: "paused". Paused in some: the device's state, with the reason
    naming those queues (the agent still takes the others' callers). A call always shows."""
    states = [device_state(member.Status, quirks) for _, member in memberships]
    state, reason = min(states, key=lambda pair: engagement(pair[0]))
    paused_in = [path for path, member in memberships if member.Paused]
    if len(paused_in) == len(memberships):
        reason = "Paused"
        state = state if state in ON_A_CALL else "paused"
    elif paused_in:
        reason = f"Paused in {', '.join(paused_in)}"
    return Agent(
        id=prefixed(SOURCE, name),
        source=SOURCE,
        extension=name,
        name=name,
        state=state,
        state_reason=reason,
        queue_ids=[prefixed(SOURCE, path) for path, _ in memberships],
        registered=registered,
    )


def device_state(status: int | str, quirks: Quirks) -> tuple[AgentState, str]:
    state = DEVICE_STATES.get(_NOT_LETTERS.sub("", str(status).lower()))
    if state is None:
        quirks.note("GetQueueRealTime members: a Status outside Asterisk's device states")
        return "unknown", f"Status {status}"
    return state, ""


def engagement(state: AgentState) -> int:
    return _ENGAGEMENT.index(state) if state in _ENGAGEMENT else len(_ENGAGEMENT)


def sip_user(agent: str) -> str:
    """The SIP account behind a member: ``SIP/0773137770`` and ``PJSIP/0773137770@ctx`` are
    ``0773137770``; a bare name or number is itself."""
    return _TECHNOLOGY.sub("", agent).split("@", 1)[0]


def registration(agent: str, registered: Mapping[str, bool] | None) -> bool | None:
    """Whether the member's SIP account is registered; None when unknown or not an account
    (a member ringing a mobile number has none)."""
    return None if registered is None else registered.get(sip_user(agent))
