"""Apply a VirtualATS CRM event to the live state without waiting for the next poll."""

from __future__ import annotations

import time

from telephony.model import SourceHealth
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
    call_id = f"{SOURCE}:{event.callId}"
    with source_lock(SOURCE, wait=2.0) as held:
        if not held:
            raise Busy("the board is busy; retry")
        ended = {call_id} if store.client().exists(ended_key(call_id)) else set()
        old = store.load_snapshot(SOURCE)
        update = apply_crm_event(old, event, now, ended)
        if update.ended_call_id:
            store.client().set(ended_key(update.ended_call_id), 1, ex=ENDED_TTL_SECONDS)
        if update.snapshot == old:
            return  # a repeat or a late event: nothing changes, nothing to publish
        health = store.load_health(SOURCE) or SourceHealth(source=SOURCE, ok=False)
        commit_snapshot(SOURCE, old, update.snapshot, health, now)
