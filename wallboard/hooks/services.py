"""Apply a VirtualATS CRM event to the live state without waiting for the next poll."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, NamedTuple

from telephony.model import Snapshot, SourceHealth
from telephony.virtualats_events import CrmEvent, apply_crm_event, hangup_outcome
from wallboard.board import store
from wallboard.board.services import commit_snapshot, source_lock

if TYPE_CHECKING:
    from collections.abc import Mapping

    from telephony.model import Outcome

SOURCE = "virtualats"
# Long enough for any retry or reordering of one call's events; short enough to stay small.
ENDED_TTL_SECONDS = 6 * 3600


class Busy(Exception):
    """Another writer held the source for too long; the vendor should retry."""


def ended_key(call_id: str) -> str:
    return f"{store.PREFIX}:src:{SOURCE}:ended:{call_id}"


def receive_crm_event(event: CrmEvent, now: float | None = None) -> None:
    now = time.time() if now is None else now
    with source_lock(SOURCE, wait=2.0) as held:
        if not held:
            raise Busy("the board is busy; retry")
        old = store.load_snapshot(SOURCE)
        applied = apply_events(old, [event], now)
        if applied.snapshot != old:
            health = store.load_health(SOURCE) or SourceHealth(source=SOURCE, ok=False)
            commit_snapshot(SOURCE, old, applied.snapshot, health, now, applied.outcomes)


def end_finished_calls(finished: Mapping[str, Outcome], now: float) -> None:
    """Calls the history lists as finished (id → how they ended) cannot still be live: a lost
    HANGUP must not leave a call on the board forever, nor lose how it ended."""
    with source_lock(SOURCE, wait=2.0) as held:
        old = store.load_snapshot(SOURCE)
        still_live = finished.keys() & old.calls.keys() if held and old is not None else set()
        if not still_live:
            return
        hangups = [
            CrmEvent(apiKey="", callId=call_id.removeprefix(f"{SOURCE}:"), state="HANGUP")
            for call_id in still_live
        ]
        applied = apply_events(old, hangups, now)
        health = store.load_health(SOURCE) or SourceHealth(source=SOURCE, ok=False)
        commit_snapshot(SOURCE, old, applied.snapshot, health, now, finished)


class Applied(NamedTuple):
    snapshot: Snapshot | None
    outcomes: dict[str, Outcome]  # calls the events ended, as their HANGUP says they ended


def apply_events(snapshot: Snapshot | None, events: list[CrmEvent], now: float) -> Applied:
    """Apply events in order, remembering ended calls so a late event cannot revive them."""
    outcomes: dict[str, Outcome] = {}
    for event in events:
        call_id = f"{SOURCE}:{event.callId}"
        ended = {call_id} if store.client().exists(ended_key(call_id)) else set()
        update = apply_crm_event(snapshot, event, now, ended)
        if update.ended_call_id:
            store.client().set(ended_key(update.ended_call_id), 1, ex=ENDED_TTL_SECONDS)
            if outcome := hangup_outcome(event):
                outcomes[update.ended_call_id] = outcome
        snapshot = update.snapshot
    return Applied(snapshot, outcomes)
