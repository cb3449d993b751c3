"""Where operational facts live in Redis (beside the board's own keys, under the same prefix)."""

from __future__ import annotations

from functools import cache

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

# wallboard.board.store.PREFIX, not imported: wallboard.celery imports this module early.
PREFIX = "wb"
POLLS = f"{PREFIX}:metrics:polls"  # hash "<source>|ok" / "<source>|error" -> count
WORKER_PREFIX = f"{PREFIX}:health:worker:"  # + Celery hostname -> epoch of its last heartbeat
WEB_PREFIX = f"{PREFIX}:health:web:"  # + "host:pid" -> boards connected to that process
BEAT_LOCK = f"{PREFIX}:beat:lock"  # held by the one beat that sends (see wallboard.beat_lock)
BEAT_LAST_RUN = f"{PREFIX}:beat:last-run"  # hash entry name -> epoch it was last sent


def poll_latency(source: str) -> str:
    return f"{PREFIX}:metrics:poll-latency:{source}"  # hash bucket -> count, "sum", "count"


def worker(hostname: str) -> str:
    return WORKER_PREFIX + hostname


def web(instance: str) -> str:
    return WEB_PREFIX + instance


@cache
def probe_client() -> redis.Redis:
    """For health checks: answers within about a second or fails, never retries for long."""
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=1.0,
        socket_connect_timeout=1.0,
        retry=Retry(NoBackoff(), 0),
    )
