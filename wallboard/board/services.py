"""Poll one source: fetch, normalise, diff against the last snapshot, publish the delta.

One poll serves every screen: nothing here is per client.
"""

from __future__ import annotations

import logging
import time
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

import msgspec
from django.conf import settings
from redis.exceptions import LockError

from telephony.base import TelephonyError
from telephony.model import Snapshot, SourceHealth
from wallboard.board import backoff, sources, store
from wallboard.board.diff import Changes, diff_snapshots, stamp_state_since
from wallboard.board.messages import delta_text, encode_changes
from wallboard.board.scope import Scope
from wallboard.health.metrics import record_poll
from wallboard.models import Board
from wallboard.outbox import services as outbox
from wallboard.outbox.lifecycle import events_between

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from telephony.model import Outcome

log = logging.getLogger(__name__)

WRITE_LOCK_SECONDS = 10.0  # longest a commit may hold a source's state


@contextmanager
def _redis_lock(name: str, purpose: str, timeout: float, wait: float | None) -> Iterator[bool]:
    # Polled every 5 ms, not redis-py's 100: a webhook waiting behind a commit is on screen
    # sooner (soak p95 ≤ 500 → ≤ 50 ms measured).
    lock = store.client().lock(f"{store.PREFIX}:src:{name}:{purpose}", timeout=timeout, sleep=0.005)
    held = lock.acquire(blocking=wait is not None, blocking_timeout=wait)
    try:
        yield held
    finally:
        if held:
            try:
                lock.release()
            except LockError:
                log.warning(
                    "%s %s outlived its lock; it may have overlapped another", name, purpose
                )


def source_lock(name: str, wait: float | None = None) -> AbstractContextManager[bool]:
    """Serialise every writer of one source's snapshot (polls, webhooks); yields whether held.

    Held only around Redis reads and writes, never while a vendor is asked: a hanging vendor
    API must not hold up that vendor's webhook events.
    """
    return _redis_lock(name, "write-lock", WRITE_LOCK_SECONDS, wait)


def poll_source(name: str) -> str:
    """Run one poll unless another is running or the source is backing off; say what happened."""
    timeout = settings.WALLBOARD_HTTP_TIMEOUT * 3
    with _redis_lock(name, "poll-lock", timeout, wait=None) as held:
        if not held:
            return "skipped: a poll of this source is already running"
        if backoff.is_backing_off(name, time.time()):
            return "skipped: backing off after failures"
        return _poll(name)


def _poll(name: str) -> str:
    now = time.time()
    started = time.perf_counter()
    client = sources.client_for(name)
    try:
        fetched = client.fetch_snapshot(now)
    except TelephonyError as exc:
        latency_ms = (time.perf_counter() - started) * 1000
        return _record_failure(name, exc, now, latency_ms)
    latency_ms = (time.perf_counter() - started) * 1000
    record_poll(name, latency_ms, ok=True)
    health = SourceHealth(
        source=name, ok=True, last_ok_at=now, latency_ms=round(latency_ms, 1), checked_at=now
    )
    backoff.clear(name)
    with source_lock(name, wait=WRITE_LOCK_SECONDS) as held:
        if not held:
            return "skipped: the source's state was busy for too long"
        old = store.load_snapshot(name)
        changes = commit_snapshot(name, old, client.reconcile(old, fetched), health, now)
    return f"ok: {sum(len(c) for c in changes.values())} changes"


def commit_snapshot(
    name: str,
    old: Snapshot | None,
    new: Snapshot,
    health: SourceHealth,
    now: float,
    outcomes: Mapping[str, Outcome] | None = None,
) -> Changes:
    """Store a source's new snapshot and publish what changed; the caller holds source_lock.
    `outcomes`: how the vendor says the calls that left the snapshot ended, where it says so."""
    stamp_state_since(old, new, now)
    if settings.WALLBOARD_SINKS:  # no sink configured: not even the lifecycle diff runs
        outbox.record(events_between(old, new, now, outcomes))
    changes = diff_snapshots(old, new)
    publish(name, new, health, changes, now)
    return changes


def _record_failure(name: str, exc: TelephonyError, now: float, latency_ms: float) -> str:
    record_poll(name, latency_ms, ok=False)
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
    writes = {store.health_key(name): msgspec.json.encode(health)}
    if snapshot is not None:
        writes[store.snapshot_key(name)] = msgspec.json.encode(snapshot)
    return commit_to_boards(writes, {**changes, "sources": {name: health}}, now)


def publish_extras(name: str, values: dict[str, object], now: float) -> list[int]:
    """Store and publish whole per-source values (see store.EXTRAS), e.g. today's figures."""
    writes = {store.extra_key(c, name): msgspec.json.encode(v) for c, v in values.items()}
    return commit_to_boards(writes, {c: {name: v} for c, v in values.items()}, now)


def commit_to_boards(writes: dict[str, bytes], changes: Changes, now: float) -> list[int]:
    """Commit `writes` and send each board the part of `changes` it shows, encoded once per
    distinct scope (every board that shows everything shares one encoding)."""
    scopes = board_scopes()
    encoded: dict[Scope, str | None] = {}
    for scope in set(scopes.values()):
        shown = {collection: items for collection, items in scope.filter(changes).items() if items}
        encoded[scope] = encode_changes(shown) if shown else None

    def delta_for(slug: str, version: int) -> str | None:
        changes_json = encoded[scopes[slug]]
        return None if changes_json is None else delta_text(version, now, changes_json)

    return store.commit(writes, list(scopes), delta_for)


def board_scopes() -> dict[str, Scope]:
    return {board.slug: Scope.of(board) for board in Board.objects.all()}
