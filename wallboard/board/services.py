"""Poll one source: fetch, normalise, diff against the last snapshot, publish the delta.

One poll serves every screen: nothing here is per client.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from redis.exceptions import LockError

from telephony.base import TelephonyError
from telephony.model import Snapshot, SourceHealth
from wallboard.board import backoff, sources, store
from wallboard.board.diff import Changes, diff_snapshots, stamp_state_since
from wallboard.board.messages import delta_text, encode_changes
from wallboard.models import Board

log = logging.getLogger(__name__)


def poll_source(name: str) -> str:
    """Run one poll unless another is running or the source is backing off; say what happened."""
    lock = store.client().lock(
        f"{store.PREFIX}:src:{name}:poll-lock", timeout=settings.WALLBOARD_HTTP_TIMEOUT * 3
    )
    if not lock.acquire(blocking=False):
        return "skipped: a poll of this source is already running"
    try:
        if backoff.is_backing_off(name, time.time()):
            return "skipped: backing off after failures"
        return _poll(name)
    finally:
        try:
            lock.release()
        except LockError:
            log.warning("%s poll outlived its lock; it may have overlapped the next one", name)


def _poll(name: str) -> str:
    now = time.time()
    started = time.perf_counter()
    try:
        snapshot = sources.client_for(name).fetch_snapshot(now)
    except TelephonyError as exc:
        latency_ms = (time.perf_counter() - started) * 1000
        return _record_failure(name, exc, now, latency_ms)
    latency_ms = (time.perf_counter() - started) * 1000
    old = store.load_snapshot(name)
    stamp_state_since(old, snapshot, now)
    health = SourceHealth(
        source=name, ok=True, last_ok_at=now, latency_ms=round(latency_ms, 1), checked_at=now
    )
    backoff.clear(name)
    changes = diff_snapshots(old, snapshot)
    publish(name, snapshot, health, changes, now)
    return f"ok: {sum(len(c) for c in changes.values())} changes"


def _record_failure(name: str, exc: TelephonyError, now: float, latency_ms: float) -> str:
    previous = store.load_health(name)
    last_ok_at = previous.last_ok_at if previous else None
    health = SourceHealth(
        source=name,
        ok=False,
        last_ok_at=last_ok_at,
        last_error=exc.message,
        latency_ms=round(latency_ms, 1),
        checked_at=now,
    )
    retry_in = backoff.record_failure(name, now, exc.permanent)
    age = f"{now - last_ok_at:.0f} s old" if last_ok_at else "none yet"
    log.warning(
        "%s poll failed: %s; keeping last good data (%s); next try in %.0f s",
        name,
        exc.message,
        age,
        retry_in,
    )
    publish(name, None, health, {}, now)
    return f"failed: {exc.message}"


def publish(
    name: str, snapshot: Snapshot | None, health: SourceHealth, changes: Changes, now: float
) -> list[int]:
    # Health rides along on every poll: it is the boards' heartbeat and their staleness clock.
    changes_json = encode_changes({**changes, "sources": {name: health}})
    boards = list(Board.objects.values_list("slug", flat=True))
    return store.commit(name, snapshot, health, boards, lambda v: delta_text(v, now, changes_json))
