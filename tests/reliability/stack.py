"""The real stack as separate processes (Daphne, Celery worker, Celery beat) for reliability
tests, and a board client that behaves as the page does (resync on a version gap, reconnect).

Every process is started in its own session, logs to a file under the test's tmp_path, and is
stopped by `Stack.stop_all()` (tests call it in a `finally` or through the `stack` fixture).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets
from websockets.sync.client import connect

from wallboard.testing.processes import wait_for_port

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
STALE_DELTAS_BEFORE_RESYNC = 3  # as static/board/board.js


def vendor_env(sources: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The environment that configures WALLBOARD_SOURCES as `sources` in another process."""
    voicenter, virtualats, yemot = (sources[name] for name in ("voicenter", "virtualats", "yemot"))
    return {
        "VOICENTER_CODE": voicenter["code"],
        "VOICENTER_BASE_URL": voicenter["base_url"],
        "VOICENTER_STATUS_API_URL": voicenter["status_api_url"],
        "VIRTUALATS_PUBLIC_KEY": virtualats["public_key"],
        "VIRTUALATS_SECRET_KEY": virtualats["secret_key"],
        "VIRTUALATS_BASE_URL": virtualats["base_url"],
        "YEMOT_TOKEN": yemot["token"],
        "YEMOT_BASE_URL": yemot["base_url"],
        "YEMOT_QUEUES": ",".join(yemot["queues"]),
    }


@dataclass
class Stack:
    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, args: list[str], **env: str) -> subprocess.Popen[bytes]:
        assert name not in self.processes or self.processes[name].poll() is not None, name
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes[name] = process
        return process

    def web(self, name: str, port: int, wait: bool = True, **env: str) -> subprocess.Popen[bytes]:
        args = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "wallboard.asgi:application"]
        process = self.start(name, [PYTHON, *args], **env)
        if wait:
            wait_for_port(port, [process])
        return process

    def worker(self, name: str, *options: str, **env: str) -> subprocess.Popen[bytes]:
        args = [PYTHON, "-m", "celery", "-A", "wallboard", "worker", "-l", "info"]
        return self.start(name, [*args, "-n", f"{name}@%h", *options], **env)

    def beat(self, name: str, **env: str) -> subprocess.Popen[bytes]:
        schedule = str(self.logs / f"{name}-schedule")
        args = [PYTHON, "-m", "celery", "-A", "wallboard", "beat", "-l", "info", "-s", schedule]
        return self.start(name, args, **env)

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        process = self.processes[name]
        if process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop(name, timeout=10)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(0.05)
    return result


class BoardClient:
    """A board screen over a real WebSocket, in a thread: keeps every message, follows the
    protocol (a version gap asks for a resync and ignores deltas until the snapshot), and
    reconnects whenever the socket closes, as board.js does (there after 1 s, here 0.3 s)."""

    def __init__(self, url: str, origin: str, reconnect: bool = True) -> None:
        self.url, self.origin, self.reconnect = url, origin, reconnect
        self.messages: list[tuple[float, dict[str, Any]]] = []
        self.connects = 0
        self.gaps = 0
        self.version: int | None = None
        self.applied: list[float] = []  # when each in-order delta was applied
        self._stale = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="board-client")
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                with connect(self.url, origin=self.origin, open_timeout=3) as socket_:
                    self.connects += 1
                    self._follow(socket_)
            except (OSError, websockets.exceptions.WebSocketException):
                pass
            self.version = None
            if not self.reconnect:
                return
            self._stopping.wait(0.3)

    def _follow(self, socket_: Any) -> None:
        while not self._stopping.is_set():
            try:
                raw = socket_.recv(timeout=0.2)
            except TimeoutError:
                continue
            message = json.loads(raw)
            with self._lock:
                self.messages.append((time.monotonic(), message))
            if message["type"] == "snapshot":
                self.version, self._stale = message["version"], 0
            elif message["type"] == "delta" and self.version is not None:
                self._follow_delta(socket_, message["version"])

    def _follow_delta(self, socket_: Any, version: int) -> None:
        """As board.js receiveDelta: one old delta may trail a snapshot; a run of them, or a
        jump ahead, is a gap that asks for a resync."""
        assert self.version is not None
        if version <= self.version:
            self._stale += 1
            if self._stale < STALE_DELTAS_BEFORE_RESYNC:
                return
        elif version == self.version + 1:
            self.version, self._stale = version, 0
            self.applied.append(time.monotonic())
            return
        self.gaps += 1
        self.version = None  # deltas are ignored until the snapshot
        socket_.send(json.dumps({"type": "resync"}))

    def applied_since(self, since: float) -> int:
        """Deltas applied in order (not merely received) since a monotonic time."""
        return sum(1 for at in self.applied if at >= since)

    def received(self, since: float = 0.0, kind: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                m for t, m in self.messages if t >= since and (kind is None or m["type"] == kind)
            ]

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()
