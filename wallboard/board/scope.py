"""What one board shows: which sources, and optionally which agents and queues.

Filtering is by key alone (ids carry their source as a prefix; per-source collections are keyed
by the source), so it works the same on snapshots and on deltas, on structs and on raw JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wallboard.models import Board

BY_ENTITY_ID = ("agents", "calls", "queues")


@dataclass(frozen=True)
class Scope:
    sources: frozenset[str] = frozenset()  # empty: every source
    agent_ids: frozenset[str] = frozenset()  # empty: every agent of those sources
    queue_ids: frozenset[str] = frozenset()

    @classmethod
    def of(cls, board: Board) -> Scope:
        return cls(frozenset(board.sources), frozenset(board.agent_ids), frozenset(board.queue_ids))

    @property
    def everything(self) -> bool:
        return not (self.sources or self.agent_ids or self.queue_ids)

    def shows_source(self, source: str) -> bool:
        return not self.sources or source in self.sources

    def shows(self, collection: str, key: str) -> bool:
        if collection not in BY_ENTITY_ID:
            return self.shows_source(key)
        if not self.shows_source(key.partition(":")[0]):
            return False
        if collection == "agents" and self.agent_ids:
            return key in self.agent_ids
        if collection == "queues" and self.queue_ids:
            return key in self.queue_ids
        return True

    def filter(self, changes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        if self.everything:
            return changes
        return {
            collection: {key: value for key, value in items.items() if self.shows(collection, key)}
            for collection, items in changes.items()
        }
