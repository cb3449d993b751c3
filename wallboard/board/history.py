"""Today's statistics, rebuilt from the vendor's call history (never from memory).

Finished calls are kept per local day in Redis and re-read incrementally: each refresh asks
for calls since the last refresh minus an overlap, because a call is listed by its start time
but only appears once it has ended. Duplicates collapse on the call id. A new day starts a new
key, so midnight in WALLBOARD_TIME_ZONE resets the figures; an empty Redis is refilled from
midnight on the next refresh.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import msgspec
from django.conf import settings
from django.urls import reverse

from telephony.base import TelephonyError
from telephony.model import Call, CallEvent, FinishedCall
from wallboard.board import services, sources, store
from wallboard.board.stats import DayStats, day_stats
from wallboard.hooks.services import end_finished_calls
from wallboard.outbox import services as outbox
from wallboard.outbox.models import OutboxEvent

if TYPE_CHECKING:
    from collections.abc import Callable

    from telephony.model import Outcome

log = logging.getLogger(__name__)

# Calls longer than this that end between refreshes may be missed until the next full day.
OVERLAP = timedelta(hours=2)
KEEP_SECONDS = 2 * 24 * 3600
RECENT_CALLS = 8
# Sources whose live calls come from webhooks: told which calls history shows as finished.
FINISHED_CALL_HANDLERS: dict[str, Callable[[dict[str, Outcome], float], None]] = {
    "virtualats": end_finished_calls,
}


class RecentCall(msgspec.Struct, kw_only=True):
    """A finished call as supervisors see it; the recording is a path on this server."""

    id: str
    direction: str
    disposition: str
    caller: str
    callee: str
    agent_extension: str
    started_at: float
    talk_seconds: float
    recording_path: str | None


def refresh_stats(source: str, now: float | None = None) -> DayStats | None:
    now = time.time() if now is None else now
    local_now = datetime.fromtimestamp(now, ZoneInfo(settings.WALLBOARD_TIME_ZONE))
    day_start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    day = day_start.date().isoformat()
    calls_key = f"{store.PREFIX}:history:{source}:{day}"
    cursor_key = f"{calls_key}:fetched-until"
    cursor = store.client().get(cursor_key)
    since = day_start
    if cursor is not None:
        since = max(day_start, datetime.fromtimestamp(float(cursor), day_start.tzinfo) - OVERLAP)
    try:
        fresh = sources.client_for(source).history(since, local_now)
    except TelephonyError as exc:
        log.warning("%s history failed: %s; today's figures keep their last values", source, exc)
        return None
    remember(calls_key, cursor_key, fresh, now)
    if settings.WALLBOARD_SINKS:
        outbox.record(recordings_found(fresh, now))
    if source in FINISHED_CALL_HANDLERS:
        FINISHED_CALL_HANDLERS[source]({c.id: c.disposition for c in fresh}, now)
    calls = [c for c in load_calls(calls_key) if c.started_at >= day_start.timestamp()]
    stats = day_stats(
        day, calls, settings.WALLBOARD_SERVICE_LEVEL_SECONDS, settings.WALLBOARD_TIME_ZONE
    )
    publish_stats(source, stats, recent_calls(source, calls), now)
    return stats


def recordings_found(calls: list[FinishedCall], now: float) -> list[CallEvent]:
    """Recordings listed in history for calls the sinks were told had ended: news for a sink
    that got the call before its recording existed (a repeat is dropped by the outbox key)."""
    with_recording = {c.id: c for c in calls if c.recording_url}
    told = set(
        OutboxEvent.objects.filter(kind="ended", call_id__in=with_recording).values_list(
            "call_id", flat=True
        )
    )
    return [
        CallEvent(kind="recording", call=as_call(c), occurred_at=now, recording_url=c.recording_url)
        for call_id, c in with_recording.items()
        if call_id in told
    ]


def as_call(finished: FinishedCall) -> Call:
    return Call(
        id=finished.id,
        source=finished.source,
        direction=finished.direction,
        status="ended",
        caller=finished.caller,
        callee=finished.callee,
        started_at=finished.started_at,
        ended_at=finished.started_at + finished.wait_seconds + finished.talk_seconds,
        recording=True,
    )


def remember(calls_key: str, cursor_key: str, calls: list[FinishedCall], now: float) -> None:
    with store.client().pipeline() as pipe:
        if calls:
            pipe.hset(calls_key, mapping={c.id: msgspec.json.encode(c) for c in calls})
        pipe.expire(calls_key, KEEP_SECONDS)
        pipe.set(cursor_key, now, ex=KEEP_SECONDS)
        pipe.execute()


def load_calls(calls_key: str) -> list[FinishedCall]:
    decoder = msgspec.json.Decoder(FinishedCall)
    return [decoder.decode(raw) for raw in store.client().hvals(calls_key)]


def recent_calls(source: str, calls: list[FinishedCall]) -> list[RecentCall]:
    recording_id = getattr(sources.client_for(source), "recording_id", None)
    newest = sorted(calls, key=lambda c: c.started_at, reverse=True)[:RECENT_CALLS]
    return [
        RecentCall(
            id=c.id,
            direction=c.direction,
            disposition=c.disposition,
            caller=c.caller,
            callee=c.callee,
            agent_extension=c.agent_extension,
            started_at=c.started_at,
            talk_seconds=c.talk_seconds,
            recording_path=recording_path(source, c.recording_url, recording_id),
        )
        for c in newest
    ]


def recording_path(
    source: str, url: str, recording_id: Callable[[str], str | None] | None
) -> str | None:
    file_id = recording_id(url) if recording_id and url else None
    return reverse("recording", args=[source, file_id]) if file_id else None


def publish_stats(source: str, stats: DayStats, recent: list[RecentCall], now: float) -> None:
    services.publish_extras(source, {"stats": stats, "recent_calls": recent}, now)
