"""Celery liveness in Redis: each worker's heartbeat, and which beat is sending.

Workers: Celery's own heartbeat timer (every 2 s, in the worker's consumer loop, with or without
task events) also writes a key here that expires after EXPIRE_SECONDS, so a worker that hangs or
dies disappears from /healthz by itself. Connected by ``wallboard.celery``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

import redis
from celery.signals import heartbeat_sent, worker_ready, worker_shutdown

from wallboard.health import keys

log = logging.getLogger(__name__)

EXPIRE_SECONDS = 10


def beat(hostname: str) -> None:
    try:
        keys.probe_client().set(keys.worker(hostname), f"{time.time():.3f}", ex=EXPIRE_SECONDS)
    except redis.RedisError as exc:  # Redis is away; Celery is reconnecting too
        log.debug("worker heartbeat not written: %s", exc)


@heartbeat_sent.connect
def _on_heartbeat(sender: Any, **_: Any) -> None:
    beat(sender.eventer.hostname)


@worker_ready.connect
def _on_ready(sender: Any, **_: Any) -> None:
    beat(sender.hostname)


@worker_shutdown.connect
def _on_shutdown(sender: Any, **_: Any) -> None:
    with contextlib.suppress(redis.RedisError, AttributeError):
        keys.probe_client().delete(keys.worker(sender.hostname))


def workers(client: redis.Redis, now: float) -> dict[str, float]:
    """Live workers by hostname, with the age of their last heartbeat in seconds."""
    found = {}
    for key in client.scan_iter(match=keys.WORKER_PREFIX + "*", count=100):
        value = client.get(key)
        if value is not None:
            found[key.decode().removeprefix(keys.WORKER_PREFIX)] = round(now - float(value), 1)
    return found
