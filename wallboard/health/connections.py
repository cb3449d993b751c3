"""How many boards are connected to this web process, reported to Redis for the others.

The consumer calls ``opened`` / ``closed``; nothing here touches Redis on the socket's path. A
daemon thread writes this process's count every few seconds with an expiry, so a process that
dies stops being counted on its own.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import weakref

import redis

from wallboard.health import keys

log = logging.getLogger(__name__)

REPORT_SECONDS = 5.0
EXPIRE_SECONDS = 3 * REPORT_SECONDS

_open: weakref.WeakSet[object] = weakref.WeakSet()
_reporter_lock = threading.Lock()
_reporter: threading.Thread | None = None
_wake = threading.Event()


def instance() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def opened(consumer: object) -> None:
    _open.add(consumer)
    _ensure_reporter()
    _wake.set()


def closed(consumer: object) -> None:
    _open.discard(consumer)
    _wake.set()


def local_count() -> int:
    return len(_open)


def _ensure_reporter() -> None:
    global _reporter
    with _reporter_lock:
        if _reporter is None or not _reporter.is_alive():
            _reporter = threading.Thread(target=_report_forever, name="board-count", daemon=True)
            _reporter.start()


def _report_forever() -> None:
    name = keys.web(instance())
    while True:
        _wake.wait(REPORT_SECONDS)
        _wake.clear()
        try:
            keys.probe_client().set(name, local_count(), ex=int(EXPIRE_SECONDS))
        except redis.RedisError as exc:  # Redis is away: the next round tries again
            log.debug("board count not reported: %s", exc)


def counts_by_process(client: redis.Redis) -> dict[str, int]:
    """Every live web process's count; this process's own from memory (always current)."""
    counts = {}
    for key in client.scan_iter(match=keys.WEB_PREFIX + "*", count=100):
        value = client.get(key)
        if value is not None:
            counts[key.decode().removeprefix(keys.WEB_PREFIX)] = int(value)
    counts[instance()] = local_count()
    return counts
