"""`make run`: the whole board on one machine, Ctrl-C stops every process.

Starts an embedded Redis (unless REDIS_URL is set), the simulated call centre (unless a vendor
is configured), Daphne, a Celery worker and Celery beat, then prints the board's TV link.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from wallboard.embedded_redis import EmbeddedRedis, free_port, start
from wallboard.env import envbool, read_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def main() -> int:
    read_dotenv(BASE_DIR / ".env")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wallboard.settings")
    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    redis_server = _ensure_redis()
    try:
        if envbool("WALLBOARD_SIMULATOR", not _vendor_configured()):
            children.append(("simulator", _start_simulator()))
        _run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"])
        children += _start_services()
        _announce()
        return _supervise(children)
    finally:
        _stop(children)
        if redis_server:
            redis_server.stop()


def _vendor_configured() -> bool:
    names = ("VOICENTER_CODE", "VIRTUALATS_SECRET_KEY", "YEMOT_TOKEN")
    return any(os.environ.get(name) for name in names)


def _ensure_redis() -> EmbeddedRedis | None:
    if os.environ.get("REDIS_URL"):
        return None
    server = start(BASE_DIR / "var" / "redis")
    os.environ["REDIS_URL"] = server.url
    print(f"embedded Redis on {server.url}", flush=True)
    return server


def _start_simulator() -> subprocess.Popen[bytes]:
    """The simulated centre and receivers; every process gets fresh credentials for them."""
    port, receivers_port = free_port(), free_port()
    channel_key = secrets.token_hex(8)
    os.environ.update(_simulated_vendors(f"http://127.0.0.1:{port}"))
    os.environ.update(_simulated_sinks(f"http://127.0.0.1:{receivers_port}", channel_key))
    # Where a supervisor may send a kicked caller, and Yemot click-to-call targets.
    os.environ.setdefault("WALLBOARD_KICK_DESTINATIONS", "Main menu=GOTO:/1")
    os.environ.setdefault("WALLBOARD_BRIDGE_PATHS", "Sales queue=/1,Support queue=/2")
    web_port = os.environ.get("WALLBOARD_PORT", "8000")
    args = [PYTHON, "-m", "telephony.simulator", "--port", str(port)]
    args += ["--agents", os.environ.get("WALLBOARD_SIM_AGENTS", "20")]
    args += ["--queues", os.environ.get("WALLBOARD_SIM_QUEUES", "4")]
    args += ["--seed", os.environ.get("WALLBOARD_SIM_SEED", "1")]
    args += ["--speed", os.environ.get("WALLBOARD_SIM_SPEED", "1")]
    args += ["--virtualats-webhook-url", f"http://127.0.0.1:{web_port}/hooks/virtualats/"]
    args += ["--receivers-port", str(receivers_port), "--helpdesk-channel-key", channel_key]
    # Codes and keys reach the simulator through its environment ($VOICENTER_CODE, ...).
    return _spawn(args)


def _simulated_vendors(base: str) -> dict[str, str]:
    return {
        "VOICENTER_CODE": secrets.token_hex(8),
        "VOICENTER_BASE_URL": f"{base}/voicenter/comet/API",
        "VOICENTER_STATUS_API_URL": f"{base}/voicenter-api",
        "VIRTUALATS_PUBLIC_KEY": "sim-public",
        "VIRTUALATS_SECRET_KEY": secrets.token_hex(16),
        "VIRTUALATS_BASE_URL": f"{base}/virtualats/vats/api",
        "VIRTUALATS_CRM_API_KEY": secrets.token_hex(16),
        "YEMOT_TOKEN": f"sim-system:{secrets.token_hex(8)}",
        "YEMOT_BASE_URL": f"{base}/yemot/ym/api",
        "YEMOT_QUEUES": "/1,/2",
    }


def _simulated_sinks(base: str, channel_key: str) -> dict[str, str]:
    return {
        "HELPDESK_CALLS_URL": f"{base}/helpdesk/api/v2/telephony/calls/@{channel_key}",
        "MANGO_TOKEN": secrets.token_hex(8),
        "MANGO_WIDGET_ID": "1",
        "MANGO_BASE_URL": f"{base}/mango/v1",
    }


def _start_services() -> list[tuple[str, subprocess.Popen[bytes]]]:
    bind = os.environ.get("WALLBOARD_BIND", "127.0.0.1")
    port = os.environ.get("WALLBOARD_PORT", "8000")
    celery = [PYTHON, "-m", "celery", "-A", "wallboard"]
    schedule = str(BASE_DIR / "var" / "celerybeat-schedule")
    commands = {
        "web": [PYTHON, "-m", "daphne", "-b", bind, "-p", port, "wallboard.asgi:application"],
        "worker": [*celery, "worker", "-l", "warning", "--concurrency", "4", "-n", "poller@%h"],
        "beat": [*celery, "beat", "-l", "warning", "-s", schedule],
    }
    return [(name, _spawn(args)) for name, args in commands.items()]


def _spawn(args: list[str]) -> subprocess.Popen[bytes]:
    # Own session: Ctrl-C reaches only this supervisor, which then stops everything in order
    # (web first, Redis last) instead of every process dying at once and logging about it.
    return subprocess.Popen(args, cwd=BASE_DIR, start_new_session=True)


def _announce() -> None:
    port = os.environ.get("WALLBOARD_PORT", "8000")
    base = f"http://127.0.0.1:{port}"
    link = _run([PYTHON, "manage.py", "tv_link", "floor", "--base-url", base])
    print(
        "\nWallboard is up.\n"
        f"  TV screen (read-only):  {link}\n"
        f"  Supervisors:            {base}/  (create a login: .venv/bin/python manage.py "
        "createsuperuser)\n"
        "  Stop:                   Ctrl-C\n",
        flush=True,
    )


def _run(args: list[str]) -> str:
    return subprocess.run(
        args, cwd=BASE_DIR, check=True, capture_output=True, text=True
    ).stdout.strip()


def _supervise(children: list[tuple[str, subprocess.Popen[bytes]]]) -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # Started from a script with `&`, SIGINT arrives ignored; Ctrl-C must still stop everything.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        while True:
            for name, process in children:
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}; stopping.", file=sys.stderr)
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0


def _stop(children: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    for _, process in reversed(children):  # beat, worker, web, then the simulator
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 10
    for _, process in children:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


if __name__ == "__main__":
    sys.exit(main())
