"""VirtualATS live calls: the CRM webhook event, and pure functions that fold it into a Snapshot.

Reference: API_REFERENCE.md §3.9. VirtualATS has no live-call endpoint: account/list says only
whether each phone is registered (presence), and the webhook says when calls start (NEW), are
answered (UPDATE) and end (HANGUP). The source's Snapshot combines both:

* presence comes from the latest account/list poll and is never overwritten by call state: it is
  recoverable from ``Agent.registered`` (``virtualats_presence.presence_state``), with
  ``state_reason`` kept as polled;
* live calls come from events and survive polls (``merge_poll``);
* an agent's ``state`` is its most engaged call's status, else its presence.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Literal, NamedTuple

import msgspec

from telephony.model import (
    AgentState,
    Call,
    CallStatus,
    Queue,
    Snapshot,
    WaitingCaller,
    prefixed,
)
from telephony.virtualats_history import DISPOSITIONS, parse_call_date
from telephony.virtualats_presence import presence_state

if TYPE_CHECKING:
    from collections.abc import Iterable

    from telephony.model import Agent, Outcome

SOURCE = "virtualats"
# When an agent has several calls, the tile shows the most engaged one.
INCOMING_QUEUE_ID = f"{SOURCE}:incoming"
ENGAGEMENT: tuple[CallStatus, ...] = ("talking", "hold", "dialing", "ringing")


class CrmEventError(ValueError):
    """The webhook body is not a VirtualATS CRM event; the message names the field."""


class CrmEvent(msgspec.Struct, kw_only=True, frozen=True):
    apiKey: str
    callId: str
    state: Literal["NEW", "UPDATE", "HANGUP"]
    callDate: str = ""
    callerId: str = ""
    source: str = ""
    destination: str = ""
    answeredNumber: str = ""
    duration: str = ""
    talkTime: str = ""
    direction: Literal["INBOUND", "OUTBOUND"] = "INBOUND"
    disposition: str = ""  # HANGUP: how the call ended; an unknown value must not drop the call
    recordConversation: str = ""  # the doc's example has spaces around the URL: strip it


class CrmUpdate(NamedTuple):
    snapshot: Snapshot
    ended_call_id: str | None  # a call this event ended, first time only: record its outcome


def parse_crm_event(body: bytes) -> CrmEvent:
    """Decode the webhook body strictly; CrmEventError says which field is missing or wrong."""
    try:
        event = msgspec.json.decode(body, type=CrmEvent)
    except msgspec.ValidationError as exc:
        raise CrmEventError(f"CRM event: {exc}") from None
    except msgspec.DecodeError as exc:
        raise CrmEventError(f"CRM event: malformed JSON: {exc}") from None
    if not event.callId.strip():
        raise CrmEventError("CRM event: `callId` is empty")
    if event.callDate.strip():
        try:
            parse_call_date(event.callDate)
        except ValueError:
            raise CrmEventError(
                f"CRM event: `callDate` {event.callDate!r} is not d.MM.yyyy HH:mm:ssZ"
            ) from None
    return event


def hangup_outcome(event: CrmEvent) -> Outcome | None:
    """How a HANGUP says the call ended (the history's words); None when it does not say."""
    return DISPOSITIONS.get(event.disposition.strip().upper()) if event.state == "HANGUP" else None


def api_key_matches(event: CrmEvent, expected: str) -> bool:
    """Constant-time check of the body's apiKey, the only credential the webhook carries."""
    return bool(expected) and hmac.compare_digest(event.apiKey.encode(), expected.encode())


def apply_crm_event(
    snapshot: Snapshot | None, event: CrmEvent, now: float, ended_call_ids: set[str]
) -> CrmUpdate:
    """The VirtualATS snapshot after one event; pure (nothing passed in is modified).

    State only moves forward: NEW after UPDATE is ignored, and so is anything for a call in
    ``ended_call_ids`` (prefixed ids the caller keeps for recently ended calls: add every
    ``ended_call_id`` returned, and expire them after a while). Repeats change nothing. A HANGUP
    for a call never seen still returns its id, so that a late NEW is ignored and leaves no ghost.
    """
    current = snapshot or Snapshot(source=SOURCE)
    call_id = prefixed(SOURCE, event.callId)
    if call_id in ended_call_ids:
        return CrmUpdate(current, None)
    calls = dict(current.calls)
    if event.state == "HANGUP":
        calls.pop(call_id, None)
        return CrmUpdate(settle(current, calls, now), call_id)
    existing = calls.get(call_id)
    updated = progressed(existing, event, now, extensions(current))
    if updated == existing:
        return CrmUpdate(current, None)
    calls[call_id] = updated
    return CrmUpdate(settle(current, calls, now), None)


def progressed(existing: Call | None, event: CrmEvent, now: float, known: set[str]) -> Call:
    if existing is None:
        return new_call(event, now, known)
    if event.state == "NEW":
        return existing  # a repeat, or late after UPDATE: never back to ringing
    # UPDATE on a talking call: a repeat, or (undocumented) a transfer to another extension.
    agent = agent_extension(event, known)
    agent_id = prefixed(SOURCE, agent) if agent else existing.agent_id
    return msgspec.structs.replace(
        existing, status="talking", answered_at=existing.answered_at or now, agent_id=agent_id
    )


def new_call(event: CrmEvent, now: float, known: set[str]) -> Call:
    """The call as its first event shows it (an UPDATE first means its NEW was lost)."""
    inbound = event.direction == "INBOUND"
    answered = event.state == "UPDATE"
    agent = agent_extension(event, known)
    # Outbound NEW: the agent waits for the far end, as Voicenter's "Dialing"; ringing is
    # kept for a call waiting to be picked up.
    status: CallStatus = "talking" if answered else "ringing" if inbound else "dialing"
    return Call(
        id=prefixed(SOURCE, event.callId),
        source=SOURCE,
        direction="inbound" if inbound else "outbound",
        status=status,
        # Outbound: source may be the company's number shown to the customer; the extension
        # that placed the call, when given, says better who is calling.
        caller=event.source if inbound else (event.answeredNumber or event.source),
        callee=event.destination,
        did=event.destination if inbound else "",
        agent_id=prefixed(SOURCE, agent) if agent else None,
        started_at=call_started(event, now),
        answered_at=now if answered else None,
        recording=bool(event.recordConversation.strip()),
    )


def agent_extension(event: CrmEvent, known: set[str]) -> str:
    """Whose call it is: the extension that answered; for outbound, else the one that dialled."""
    if event.answeredNumber.strip():
        return event.answeredNumber.strip()
    if event.direction == "OUTBOUND" and event.source in known:
        return event.source
    return ""  # inbound, not answered yet: ringing on nobody in particular


def call_started(event: CrmEvent, now: float) -> float:
    # callDate is when the PBX saw the call start: better than a late webhook's arrival time.
    if not event.callDate.strip():
        return now
    return parse_call_date(event.callDate).timestamp()


def extensions(snapshot: Snapshot) -> set[str]:
    return {agent.extension for agent in snapshot.agents.values()}


def settle(snapshot: Snapshot, calls: dict[str, Call], now: float) -> Snapshot:
    """Recompute every agent's state and call ids from ``calls``."""
    agents = {
        agent_id: with_calls(agent, calls_of(agent_id, calls.values()), now)
        for agent_id, agent in snapshot.agents.items()
    }
    return msgspec.structs.replace(
        snapshot, agents=agents, calls=calls, queues=incoming_queue(calls)
    )


def incoming_queue(calls: dict[str, Call]) -> dict[str, Queue]:
    """VirtualATS has no queue API, and an inbound call names its extension only once answered:
    callers still ringing are shown as waiting in one "Incoming" queue, so none is invisible."""
    waiting = [
        WaitingCaller(call_id=call.id, phone=call.caller, joined_at=call.started_at or 0)
        for call in calls.values()
        if call.direction == "inbound" and call.status == "ringing" and call.agent_id is None
    ]
    queue = Queue(
        id=INCOMING_QUEUE_ID,
        source=SOURCE,
        name="Incoming",
        waiting=sorted(waiting, key=lambda w: w.joined_at),
    )
    return {queue.id: queue}


def with_calls(agent: Agent, calls: list[Call], now: float) -> Agent:
    state = engaged(calls) or presence_state(agent)
    call_ids = [call.id for call in calls]
    if (state, call_ids) == (agent.state, agent.call_ids):
        return agent
    since = agent.state_since if state == agent.state else now
    return msgspec.structs.replace(agent, state=state, state_since=since, call_ids=call_ids)


def merge_poll(previous: Snapshot | None, fetched: Snapshot) -> Snapshot:
    """A fresh account/list (presence) with the live calls the previous snapshot holds.

    An agent keeps its ``state_since`` while its state is unchanged, so a poll does not reset
    the timer on a tile.
    """
    if previous is None:
        return msgspec.structs.replace(fetched, queues=incoming_queue({}))
    agents = {}
    for agent_id, polled in fetched.agents.items():
        calls = calls_of(agent_id, previous.calls.values())
        state = engaged(calls) or polled.state
        before = previous.agents.get(agent_id)
        since = before.state_since if before and before.state == state else polled.state_since
        agents[agent_id] = msgspec.structs.replace(
            polled, state=state, state_since=since, call_ids=[call.id for call in calls]
        )
    calls = dict(previous.calls)
    return msgspec.structs.replace(
        fetched, agents=agents, calls=calls, queues=incoming_queue(calls)
    )


def calls_of(agent_id: str, calls: Iterable[Call]) -> list[Call]:
    return sorted((call for call in calls if call.agent_id == agent_id), key=lambda c: c.id)


def engaged(calls: list[Call]) -> AgentState | None:
    statuses = [call.status for call in calls if call.status in ENGAGEMENT]
    return min(statuses, key=ENGAGEMENT.index) if statuses else None
