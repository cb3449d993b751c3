from __future__ import annotations

from telephony.model import Agent, Queue, Snapshot, WaitingCaller
from wallboard.board.diff import diff_snapshots, stamp_state_since


def agent(ext: str, state: str = "available", reason: str = "", since: float | None = None):
    return Agent(
        id=f"sim:{ext}",
        source="sim",
        extension=ext,
        name=ext,
        state=state,
        state_reason=reason,
        state_since=since,
    )


def snapshot(*agents: Agent, queues: tuple[Queue, ...] = ()) -> Snapshot:
    return Snapshot(
        source="sim",
        agents={a.id: a for a in agents},
        queues={q.id: q for q in queues},
    )


def test_the_first_poll_sends_everything() -> None:
    new = snapshot(agent("1"), agent("2"))
    assert diff_snapshots(None, new) == {"agents": new.agents}


def test_an_unchanged_poll_sends_nothing() -> None:
    assert diff_snapshots(snapshot(agent("1", since=5)), snapshot(agent("1", since=5))) == {}


def test_only_the_agent_that_changed_is_sent() -> None:
    old = snapshot(agent("1", since=5), agent("2", since=5))
    new = snapshot(agent("1", since=5), agent("2", "paused", "Lunch break", since=9))
    assert diff_snapshots(old, new) == {"agents": {"sim:2": new.agents["sim:2"]}}


def test_a_vanished_entity_is_sent_as_none() -> None:
    waiting = [WaitingCaller(call_id="sim:c1", phone="050", joined_at=1)]
    old = snapshot(agent("1"), queues=(Queue(id="sim:q", source="sim", name="Q", waiting=waiting),))
    new = snapshot(queues=(Queue(id="sim:q", source="sim", name="Q"),))
    changes = diff_snapshots(old, new)
    assert changes["agents"] == {"sim:1": None}
    assert changes["queues"]["sim:q"].waiting == []


def test_an_unchanged_state_keeps_the_time_it_was_first_seen() -> None:
    old = snapshot(agent("1", "paused", "Lunch break", since=100))
    new = snapshot(agent("1", "paused", "Lunch break"))
    stamp_state_since(old, new, now=160)
    assert new.agents["sim:1"].state_since == 100


def test_a_new_state_or_reason_starts_now() -> None:
    old = snapshot(agent("1", "paused", "Lunch break", since=100), agent("2", since=100))
    new = snapshot(agent("1", "paused", "Training"), agent("2", "offline"), agent("3"))
    stamp_state_since(old, new, now=160)
    assert [a.state_since for a in new.agents.values()] == [160, 160, 160]


def test_a_vendor_timed_state_keeps_the_vendors_time() -> None:
    new = snapshot(agent("1", "talking", since=150))
    stamp_state_since(snapshot(agent("1", "talking", since=90)), new, now=160)
    assert new.agents["sim:1"].state_since == 150
