"""Pure functions: what changed between two polls of one source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telephony.model import Snapshot

COLLECTIONS = ("agents", "calls", "queues")

# collection -> entity id -> the entity whole, or None when it is gone.
Changes = dict[str, dict[str, Any]]


def diff_snapshots(old: Snapshot | None, new: Snapshot) -> Changes:
    changes: Changes = {}
    for collection in COLLECTIONS:
        before = getattr(old, collection) if old is not None else {}
        delta = diff_entities(before, getattr(new, collection))
        if delta:
            changes[collection] = delta
    return changes


def diff_entities(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    delta = {key: value for key, value in new.items() if old.get(key) != value}
    delta.update(dict.fromkeys(old.keys() - new.keys()))
    return delta


def stamp_state_since(old: Snapshot | None, new: Snapshot, now: float) -> None:
    """Vendors rarely say when an agent entered a state: carry it across polls ourselves.

    A state the vendor timed (a call's start or answer) keeps the vendor's time; otherwise an
    unchanged (state, reason) keeps the time we first saw it, and a new one starts now.
    """
    for agent in new.agents.values():
        if agent.state_since is not None:
            continue
        previous = old.agents.get(agent.id) if old is not None else None
        unchanged = previous is not None and (previous.state, previous.state_reason) == (
            agent.state,
            agent.state_reason,
        )
        agent.state_since = previous.state_since if unchanged and previous else now
