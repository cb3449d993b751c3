"""Container health checks: ``python -m wallboard.health.probe web|worker|beat``.

Exit 0 when healthy, 1 otherwise, with one line saying why. ``web`` asks this host's /healthz;
``worker`` looks for a heartbeat from a Celery worker on this host; ``beat`` for a beat holding
the schedule lock (a standby beat is healthy while another one sends).
"""

from __future__ import annotations

import os
import socket
import sys
import time
import urllib.request

import redis


def main(argv: list[str]) -> int:
    what = argv[0] if argv else ""
    if what == "web":
        return check_web(os.environ.get("WALLBOARD_PORT", "8000"))
    if what in ("worker", "beat"):
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wallboard.settings")
        import django

        django.setup()
        return check_worker() if what == "worker" else check_beat()
    return say(2, "usage: python -m wallboard.health.probe web|worker|beat")


def check_web(port: str) -> int:
    # As one of the served host names, or Django refuses the request (DisallowedHost).
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"Host": served_host()}
    )
    try:
        with urllib.request.urlopen(request, timeout=3) as reply:
            return say(0 if reply.status == 200 else 1, f"web: HTTP {reply.status}")
    except OSError as exc:  # URLError and HTTPError (503: Redis unreachable) are OSErrors
        return say(1, f"web: {exc}")


def served_host() -> str:
    first = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    if first in ("", "*"):
        return "localhost"
    return f"www{first}" if first.startswith(".") else first


def check_worker() -> int:
    from wallboard.health import heartbeat, keys

    host = socket.gethostname()
    try:
        alive = heartbeat.workers(keys.probe_client(), time.time())
    except redis.RedisError as exc:
        return say(1, f"worker: Redis unreachable: {exc}")
    mine = [name for name in alive if name.endswith(f"@{host}")]
    if mine:
        return say(0, f"worker: {', '.join(mine)} alive")
    others = ", ".join(sorted(alive)) or "none"
    return say(1, f"worker: no heartbeat from a worker on {host} (alive: {others})")


def check_beat() -> int:
    from wallboard import beat_lock
    from wallboard.health import keys

    try:
        holder, _ = beat_lock.holder(keys.probe_client())
    except redis.RedisError as exc:
        return say(1, f"beat: Redis unreachable: {exc}")
    if holder is None:
        return say(1, "beat: no beat holds the schedule lock")
    return say(0, f"beat: {holder} sends the schedule")


def say(code: int, line: str) -> int:
    print(line, file=sys.stdout if code == 0 else sys.stderr)  # noqa: T201
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
