"""Waiting for a server process to listen, for tests and benchmarks that start real stacks."""

from __future__ import annotations

import socket
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Sequence


def wait_for_port(
    port: int, processes: Sequence[subprocess.Popen[bytes]], timeout: float = 30
) -> None:
    """Return once 127.0.0.1:port accepts; fail at once if one of `processes` has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listened on port {port} within {timeout} s")
