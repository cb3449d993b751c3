"""The stack a benchmark runs against: a private Redis, a throwaway SQLite, server processes.

Everything started here is stopped by the context managers that start it, even on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wallboard.embedded_redis import EmbeddedRedis, free_port
from wallboard.embedded_redis import start as start_redis
from wallboard.testing.processes import wait_for_port

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Configuration a developer's shell may carry that would point the benchmark elsewhere or turn
# on work the benchmark does not measure (sinks, other vendors).
_FOREIGN = (
    "REDIS_URL",
    "WALLBOARD_DB_PATH",
    "VOICENTER_CODE",
    "VOICENTER_BASE_URL",
    "VIRTUALATS_PUBLIC_KEY",
    "VIRTUALATS_SECRET_KEY",
    "VIRTUALATS_BASE_URL",
    "VIRTUALATS_CRM_API_KEY",
    "YEMOT_TOKEN",
    "YEMOT_QUEUES",
    "HELPDESK_CALLS_URL",
    "MANGO_TOKEN",
    "MANGO_WIDGET_ID",
    "WALLBOARD_POLL_SECONDS",
)

# A Voicenter source nobody polls: the server must know the source exists (snapshots list it),
# but in most benchmarks the bench process itself produces the data.
IDLE_VOICENTER = {"VOICENTER_CODE": "bench", "VOICENTER_BASE_URL": "http://127.0.0.1:9/unused"}


@dataclass
class Stack:
    redis: EmbeddedRedis
    db_path: Path
    workdir: Path

    def env(self, **extra: str) -> dict[str, str]:
        """The environment for a server process sharing this stack."""
        env = {k: v for k, v in os.environ.items() if k not in _FOREIGN}
        env |= {
            "DJANGO_SETTINGS_MODULE": "wallboard.settings",
            "REDIS_URL": self.redis.url,
            "WALLBOARD_DB_PATH": str(self.db_path),
            "PYTHONUNBUFFERED": "1",
        }
        return env | extra


@contextlib.contextmanager
def django_stack(**settings_env: str) -> Iterator[Stack]:
    """Private Redis + migrated SQLite file, with Django set up in this process against them.

    Call once per process: Django reads its settings (REDIS_URL included) only once.
    """
    workdir = Path(tempfile.mkdtemp(prefix="wallboard-bench-"))
    redis = start_redis(workdir / "redis")
    try:
        stack = Stack(redis, workdir / "db.sqlite3", workdir)
        for name in _FOREIGN:
            os.environ.pop(name, None)
        os.environ.update(stack.env(**settings_env))
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        yield stack
    finally:
        redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def tv_token(slug: str = "floor") -> str:
    from wallboard.models import Board

    board, _ = Board.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    return board.issue_tv_token()


# ----- processes ------------------------------------------------------------------------------


@contextlib.contextmanager
def processes(
    commands: list[list[str]], env: Mapping[str, str], ports: list[int], log: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start commands, wait until each of `ports` accepts connections, stop them all at the end.

    Their output goes to `log` (servers log every socket's goodbye; the figures stay readable);
    its tail is printed if a process dies before listening.
    """
    started: list[subprocess.Popen[bytes]] = []
    with log.open("ab") as output:
        try:
            for command in commands:
                started.append(
                    subprocess.Popen(
                        command,
                        cwd=BASE_DIR,
                        env=dict(env),
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            try:
                for port in ports:
                    wait_for_port(port, started, timeout=60)
            except RuntimeError:
                sys.stderr.write(log.read_text(errors="replace")[-3000:])
                raise
            yield started
        finally:
            stop(started)


def stop(started: list[subprocess.Popen[bytes]]) -> None:
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in started:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def daphne(port: int, app: str = "wallboard.asgi:application") -> list[str]:
    return [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app]


def uvicorn(port: int, app: str, *options: str) -> list[str]:
    return [
        *(PYTHON, "-m", "uvicorn", app),
        *("--host", "127.0.0.1", "--port", str(port)),
        *("--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"),
        *("--lifespan", "off", *options),
    ]


def ports(count: int) -> list[int]:
    return [free_port() for _ in range(count)]


# ----- what a process costs -------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (Linux /proc; children excluded)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
