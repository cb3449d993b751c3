"""Celery beat that never runs twice: a scheduler that sends only while it holds a Redis lock.

``CELERY_BEAT_SCHEDULER`` points ``celery -A wallboard beat`` (and ``worker --beat``) here. Start
as many beats as you like (a spare on another host, a deploy overlapping the old one): one holds
the lock and sends; the others stand by, checking every few seconds, and take over within
LOCK_SECONDS when the holder stops (at once when it stops cleanly, since it lets go).

The holder also writes when it last sent each entry to Redis, and a beat taking over starts from
those times rather than from its own file: the cadence carries on, with no burst of "overdue"
polls and no poll sent twice for one period. Redis restarted (the lock gone with it): whichever
beat asks first holds it again.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import redis
from celery.beat import PersistentScheduler
from redis.exceptions import LockError

from wallboard.health import keys

log = logging.getLogger(__name__)

LOCK_SECONDS = float(os.environ.get("WALLBOARD_BEAT_LOCK_SECONDS", "10"))
STANDBY_CHECK_SECONDS = LOCK_SECONDS / 4


class SingleBeatScheduler(PersistentScheduler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._lock: Any = None
        self._leading = False
        self._redis_down = False
        super().__init__(*args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if not self._hold():
            return STANDBY_CHECK_SECONDS
        # Sleep no longer than a third of the lock's life, so it is renewed in time.
        return min(super().tick(*args, **kwargs), LOCK_SECONDS / 3)

    def apply_entry(self, entry: Any, producer: Any = None) -> None:
        super().apply_entry(entry, producer=producer)
        try:
            keys.probe_client().hset(keys.BEAT_LAST_RUN, entry.name, f"{time.time():.3f}")
        except redis.RedisError as exc:
            log.debug("beat: %s's send time not shared: %s", entry.name, exc)

    def close(self) -> None:
        if self._leading and self._lock is not None:
            with contextlib.suppress(LockError, redis.RedisError):
                self._lock.release()  # the standby takes over at its next check
            self._leading = False
        super().close()

    def _hold(self) -> bool:
        """Renew the lock if held, else try to take it; False means stand by."""
        try:
            if self._lock is None:
                self._lock = keys.probe_client().lock(
                    keys.BEAT_LOCK, timeout=LOCK_SECONDS, blocking=False, thread_local=False
                )
            held = self._renew() if self._leading else self._take()
        except redis.RedisError as exc:
            if not self._redis_down:
                log.warning("beat: Redis unreachable (%s); sending nothing until it is back", exc)
            self._redis_down, self._leading = True, False
            return False
        if self._redis_down:
            log.warning("beat: Redis is back")
            self._redis_down = False
        return held

    def _renew(self) -> bool:
        try:
            self._lock.reacquire()
            return True
        except LockError:  # expired (this process stalled) or Redis lost it: start over
            log.warning("beat: lost the lock; standing by")
            self._leading = False
            return self._take()

    def _take(self) -> bool:
        if not self._lock.acquire(blocking=False, token=self.holder.encode()):
            return False
        self._leading = True
        log.warning("beat: %s holds the lock and sends the schedule", self.holder)
        self._catch_up_with_previous_holder()
        return True

    def _catch_up_with_previous_holder(self) -> None:
        sent = keys.probe_client().hgetall(keys.BEAT_LAST_RUN)
        for name, entry in self.schedule.items():
            stamp = sent.get(name.encode())
            if stamp is None:
                continue
            last = datetime.fromtimestamp(float(stamp), tz=UTC)
            if entry.last_run_at is None or last > _aware(entry.last_run_at):
                entry.last_run_at = last
        self._heap = None  # rebuild the order of what is due next from these times


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def holder(client: redis.Redis) -> tuple[str | None, float | None]:
    """Who holds the beat lock, and for how many more seconds (None, None when nobody)."""
    with client.pipeline(transaction=False) as pipe:
        pipe.get(keys.BEAT_LOCK)
        pipe.pttl(keys.BEAT_LOCK)
        value, ttl = pipe.execute()
    if value is None:
        return None, None
    return value.decode(), (ttl / 1000 if ttl and ttl > 0 else None)
