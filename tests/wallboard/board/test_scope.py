from __future__ import annotations

from wallboard.board.scope import Scope

CHANGES = {
    "agents": {"voicenter:1": {"n": 1}, "voicenter:2": None, "virtualats:100": {"n": 3}},
    "calls": {"voicenter:c": {"n": 4}},
    "queues": {"voicenter:q1": {"n": 5}, "voicenter:q2": {"n": 6}},
    "sources": {"voicenter": {"ok": True}, "virtualats": {"ok": True}},
    "stats": {"virtualats": {"offered": 1}},
}


def test_a_board_that_shows_everything_gets_the_changes_untouched() -> None:
    assert Scope().filter(CHANGES) is CHANGES


def test_a_board_of_one_source_gets_only_that_sources_entities_and_figures() -> None:
    assert Scope(sources=frozenset({"virtualats"})).filter(CHANGES) == {
        "agents": {"virtualats:100": {"n": 3}},
        "calls": {},
        "queues": {},
        "sources": {"virtualats": {"ok": True}},
        "stats": {"virtualats": {"offered": 1}},
    }


def test_chosen_agents_and_queues_narrow_the_board_removals_included() -> None:
    scope = Scope(
        sources=frozenset({"voicenter"}),
        agent_ids=frozenset({"voicenter:2"}),
        queue_ids=frozenset({"voicenter:q2"}),
    )
    assert scope.filter(CHANGES) == {
        "agents": {"voicenter:2": None},
        "calls": {"voicenter:c": {"n": 4}},
        "queues": {"voicenter:q2": {"n": 6}},
        "sources": {"voicenter": {"ok": True}},
        "stats": {},
    }
