"""Per-source retry backoff, kept in Redis so every worker process agrees on it."""

from __future__ import annotations

from django.conf import settings

from wallboard.board.store import PREFIX, client


def _key(source: str) -> str:
    return f"{PREFIX}:src:{source}:backoff"


def is_backing_off(source: str, now: float) -> bool:
    until = client().hget(_key(source), "until")
    return until is not None and float(until) > now


def record_failure(source: str, now: float, permanent: bool) -> float:
    """Remember one more failure; return the seconds until the next attempt."""
    failures = client().hincrby(_key(source), "failures", 1)
    period = settings.WALLBOARD_POLL_SECONDS
    ceiling = settings.WALLBOARD_MAX_BACKOFF_SECONDS
    # The first failure retries on the next tick; then 2, 4, 8 ... periods. A permanent error
    # (bad credentials) will not heal by itself, so it waits the longest straight away.
    delay = ceiling if permanent else min(period * 2 ** (failures - 1), ceiling)
    client().hset(_key(source), "until", now + delay - period / 2)
    return delay


def clear(source: str) -> None:
    client().delete(_key(source))
