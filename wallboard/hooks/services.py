"""Apply a VirtualATS CRM event to the live state without waiting for the next poll."""

from __future__ import annotations

import time

from telephony.model import Snapshot, SourceHealth
from telephony.virtualats_events import CrmEvent, apply_crm_event
from wallboard.board import store
from wallboard.board.services import commit_snapshot, source_lock

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
        new = apply_events(old, [event], now)
        if new != old:
            health = store.load_health(SOURCE) or SourceHealth(source=SOURCE, ok=False)
            commit_snapshot(SOURCE, old, new, health, now)


def end_finished_calls(call_ids: set[str], now: float) -> None:
    """Calls the history lists as finished cannot still be live: a lost HANGUP must not leave
    a call on the board forever."""
    with source_lock(SOURCE, wait=2.0) as held:
        old = store.load_snapshot(SOURCE)
        if not held or old is None or not call_ids & old.calls.keys():
            return
        hangups = [
            CrmEvent(apiKey="", callId=call_id.removeprefix(f"{SOURCE}:"), state="HANGUP")
            for call_id in call_ids & old.calls.keys()
        ]
        health = store.load_health(SOURCE) or SourceHealth(source=SOURCE, ok=False)
        commit_snapshot(SOURCE, old, apply_events(old, hangups, now), health, now)


def apply_events(snapshot: Snapshot | None, events: list[CrmEvent], now: float) -> Snapshot | None:
    """Apply events in order, remembering ended calls so a late event cannot revive them."""
    for event in events:
        call_id = f"{SOURCE}:{event.callId}"
        ended = {call_id} if store.client().exists(ended_key(call_id)) else set()
        update = apply_crm_event(snapshot, event, now, ended)
        if update.ended_call_id:
            store.client().set(ended_key(update.ended_call_id), 1, ex=ENDED_TTL_SECONDS)
        snapshot = update.snapshot
    return snapshot
