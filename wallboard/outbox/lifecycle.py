"""Pure: the call lifecycle moments between two snapshots of one source."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from telephony.model import CallEvent

if TYPE_CHECKING:
    from collections.abc import Mapping

    from telephony.model import Call, Outcome, Snapshot


def events_between(
    old: Snapshot | None, new: Snapshot, now: float, outcomes: Mapping[str, Outcome] | None = None
) -> list[CallEvent]:
    """`outcomes`: how the vendor says calls ended (by call id), where it says so."""
    before = old.calls if old is not None else {}
    outcomes = outcomes or {}
    events: list[CallEvent] = []
    for call_id, call in new.calls.items():
        previous = before.get(call_id)
        if previous is None:
            events.append(moment("started", call, new, now))
        if call.status == "talking" and (previous is None or previous.status != "talking"):
            events.append(moment("answered", call, new, now))
    for call_id in before.keys() - new.calls.keys():
        outcome = outcomes.get(call_id)
        events.append(ended(before[call_id], old, now, outcome))  # type: ignore[arg-type]
    return events


def moment(kind: str, call: Call, snapshot: Snapshot, now: float) -> CallEvent:
    return CallEvent(
        kind=kind,  # type: ignore[arg-type]
        call=call,
        occurred_at=now,
        agent_extension=extension_of(call, snapshot),
    )


def ended(call: Call, snapshot: Snapshot, now: float, outcome: Outcome | None = None) -> CallEvent:
    # Polled vendors only show a call vanishing: answered or not is all the board saw.
    outcome = outcome or ("answered" if call.answered_at else "missed")
    finished = msgspec.structs.replace(call, status="ended", ended_at=now)
    return CallEvent(
        kind="ended",
        call=finished,
        occurred_at=now,
        agent_extension=extension_of(call, snapshot),
        outcome=outcome,
    )


def extension_of(call: Call, snapshot: Snapshot) -> str:
    agent = snapshot.agents.get(call.agent_id or "")
    return agent.extension if agent is not None else ""
