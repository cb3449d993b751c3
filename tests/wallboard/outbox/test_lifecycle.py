from __future__ import annotations

from telephony.model import Agent, Call, Snapshot
from wallboard.outbox.lifecycle import events_between

AGENT = Agent(id="sim:201", source="sim", extension="201", name="Dana", state="available")


def call(status: str = "ringing", answered_at: float | None = None) -> Call:
    return Call(
        id="sim:c1",
        source="sim",
        direction="inbound",
        status=status,
        caller="0501234567",
        callee="201",
        agent_id="sim:201",
        started_at=100.0,
        answered_at=answered_at,
    )


def snapshot(*calls: Call) -> Snapshot:
    return Snapshot(source="sim", agents={AGENT.id: AGENT}, calls={c.id: c for c in calls})


def kinds(events) -> list[tuple[str, str | None]]:
    return [(e.kind, e.outcome) for e in events]


def test_a_new_ringing_call_has_started_with_its_agent() -> None:
    [event] = events_between(snapshot(), snapshot(call()), now=101)
    assert (event.kind, event.agent_extension, event.occurred_at) == ("started", "201", 101)


def test_a_call_seen_first_while_talking_has_started_and_been_answered() -> None:
    events = events_between(None, snapshot(call("talking", 105)), now=110)
    assert kinds(events) == [("started", None), ("answered", None)]


def test_answering_is_reported_once() -> None:
    ringing, talking = snapshot(call()), snapshot(call("talking", 105))
    assert kinds(events_between(ringing, talking, now=106)) == [("answered", None)]
    assert events_between(talking, talking, now=107) == []
    assert events_between(talking, snapshot(call("hold", 105)), now=108) == []


def test_a_vanished_call_ended_answered_or_missed() -> None:
    [answered] = events_between(snapshot(call("talking", 105)), snapshot(), now=200)
    assert (answered.kind, answered.outcome, answered.call.ended_at) == ("ended", "answered", 200)
    assert answered.call.status == "ended"
    [missed] = events_between(snapshot(call()), snapshot(), now=130)
    assert (missed.outcome, missed.agent_extension) == ("missed", "201")


def test_a_vanished_call_ends_as_the_vendor_says_where_it_says_so() -> None:
    ringing = snapshot(call())
    [busy] = events_between(ringing, snapshot(), now=130, outcomes={"sim:c1": "busy"})
    assert busy.outcome == "busy"
    # The vendor's word wins over what the board saw (an answer it never heard of).
    [answered] = events_between(ringing, snapshot(), now=130, outcomes={"sim:c1": "answered"})
    assert answered.outcome == "answered"
    [missed] = events_between(ringing, snapshot(), now=130, outcomes={"sim:other": "busy"})
    assert missed.outcome == "missed"
