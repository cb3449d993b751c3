"""The simulated PBX's side of the CRM webhook (§3.9): POST each event, in order, best effort.

Events are queued by the engine (under the simulator's lock) and sent from one background
thread, so a slow or dead receiver never holds the centre up. Like a real PBX, a failed POST is
not retried: it is dropped, and a run of failures is logged once.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import urllib.request
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

MAX_PENDING = 1000
_STOP = object()


class WebhookSender:
    def __init__(self, url: str, timeout: float = 2.0) -> None:
        self.url = url
        self._where = urlsplit(url).netloc  # logs name the host, not a path that may hold a key
        self._timeout = timeout
        self._pending: queue.Queue[Any] = queue.Queue(MAX_PENDING)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        # Bypass any proxy from the environment: the receiver is normally on loopback.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._dropped = 0  # failures since the last delivery; logged once when the run starts
        self._dropped_lock = threading.Lock()  # counted by both the engine and sender threads

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="virtualats-webhook", daemon=True)
        self._thread.start()

    def send(self, event: dict[str, Any]) -> None:
        """Queue one event; never blocks (an overflowing queue drops the event)."""
        try:
            self._pending.put_nowait(event)
        except queue.Full:
            self._failed("queue full")

    def stop(self) -> None:
        """Stop after the POST in flight; events still queued are dropped."""
        if self._thread is None:
            return
        self._stopping.set()
        self._pending.put(_STOP)
        self._thread.join(timeout=self._timeout + 1)
        self._thread = None

    def _run(self) -> None:
        while (event := self._pending.get()) is not _STOP:
            if not self._stopping.is_set():
                self._deliver(event)

    def _deliver(self, event: dict[str, Any]) -> None:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(event, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                response.read()
        except (OSError, ValueError) as exc:  # URLError and HTTPError are OSErrors
            self._failed(str(exc))
            return
        with self._dropped_lock:
            dropped, self._dropped = self._dropped, 0
        if dropped:
            log.info("CRM webhook %s answers again; %d events dropped", self._where, dropped)

    def _failed(self, reason: str) -> None:
        with self._dropped_lock:
            first, self._dropped = not self._dropped, self._dropped + 1
        if first:
            log.warning(
                "CRM webhook %s failed (%s): dropping events until it answers", self._where, reason
            )
