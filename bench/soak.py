"""Soak: many screens, a steady stream of webhook events and supervisor actions, for minutes.

    python -m bench.soak               # 10 min: 200 screens, 50 webhook events/s, 10 actions/min
    python -m bench.soak --minutes 1   # a short run

It starts its own stack on loopback (embedded Redis, the simulated call centre, Daphne web
processes, a Celery worker and beat, a throwaway SQLite database), opens the screens as real
WebSocket clients spread over the web processes, and drives:

* VirtualATS CRM webhook events (NEW, UPDATE, HANGUP of synthetic calls), each call's events in
  order, at the given rate, through the web processes in turn;
* supervisor actions (pause / unpause a Voicenter agent) through the real endpoint, logged in;
* the vendors' polls, as beat runs them (every WALLBOARD_POLL_SECONDS).

It reports errors (HTTP, sockets, server log errors), memory growth of every process, delivery
latency (webhook commit -> screen) per minute, and events lost: a webhook event accepted by the
server whose change never reached a screen that was connected throughout (must be 0), plus
version gaps seen by screens. Exit status 0 when nothing was lost and nothing failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from wallboard.testing.processes import wait_for_port

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SLUG = "floor"
LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000]


def say(*parts: object) -> None:
    print(*parts, flush=True)  # noqa: T201 (a command-line report)


# --- Messages, decoded only as far as the accounting needs -----------------------------------


class CallLite(msgspec.Struct):
    status: str = ""


class Changes(msgspec.Struct):
    calls: dict[str, CallLite | None] = {}


class State(msgspec.Struct):
    calls: dict[str, CallLite] = {}
    agents: dict[str, msgspec.Raw] = {}


class Message(msgspec.Struct):
    type: str
    version: int = 0
    server_time: float = 0.0
    changes: Changes | None = None
    state: State | None = None


decode_message = msgspec.json.Decoder(Message).decode


# --- The stack ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    workdir: Path
    env: dict[str, str]
    web_ports: list[int]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    redis: Any = None

    def spawn(self, name: str, args: list[str]) -> None:
        log = (self.workdir / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        log.close()

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if self.redis is not None:
            self.redis.stop()

    def log_errors(self) -> dict[str, int]:
        """Lines that report an error or a traceback, per process log."""
        counts = {}
        for name in self.processes:
            text = (self.workdir / f"{name}.log").read_text(errors="replace")
            counts[name] = len(re.findall(r"\b(ERROR|CRITICAL)\b|Traceback \(most recent", text))
        return counts


def die_with_parent() -> None:
    """Even if the soak is killed outright, what it started goes with it (Linux)."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_stack(args: argparse.Namespace, workdir: Path) -> tuple[Stack, dict[str, str]]:
    """Redis, simulator, database, web processes, worker, beat. Returns the stack and what the
    load needs to know (the TV token, the supervisor's password, the CRM key)."""
    from wallboard.embedded_redis import start as start_redis

    redis = start_redis(workdir / "redis")
    sim_port = free_port()
    sim = f"http://127.0.0.1:{sim_port}"
    keys = {
        "code": secrets.token_hex(8),
        "secret": secrets.token_hex(16),
        "yemot": f"sim-system:{secrets.token_hex(8)}",
        "crm": secrets.token_hex(16),
    }
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VOICENTER_", "VIRTUALATS_", "YEMOT_", "MANGO_", "HELPDESK_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="wallboard.settings",
        REDIS_URL=redis.url,
        WALLBOARD_DB_PATH=str(workdir / "db.sqlite3"),
        WALLBOARD_POLL_SECONDS=str(args.poll_seconds),
        WALLBOARD_LOG_LEVEL="WARNING",
        VOICENTER_CODE=keys["code"],
        VOICENTER_BASE_URL=f"{sim}/voicenter/comet/API",
        VOICENTER_STATUS_API_URL=f"{sim}/voicenter-api",
        VIRTUALATS_PUBLIC_KEY="sim-public",
        VIRTUALATS_SECRET_KEY=keys["secret"],
        VIRTUALATS_BASE_URL=f"{sim}/virtualats/vats/api",
        VIRTUALATS_CRM_API_KEY=keys["crm"],
        YEMOT_TOKEN=keys["yemot"],
        YEMOT_BASE_URL=f"{sim}/yemot/ym/api",
        YEMOT_QUEUES="/1,/2",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    stack = Stack(workdir, env, [free_port() for _ in range(args.web)], redis=redis)
    try:
        stack.spawn("simulator", [PYTHON, "-m", "telephony.simulator", "--port", str(sim_port)])
        wait_for_port(sim_port, [stack.processes["simulator"]], timeout=60)
        manage = [PYTHON, "manage.py"]
        subprocess.run(
            [*manage, "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True
        )
        password = secrets.token_urlsafe(12)
        setup = (
            "from django.contrib.auth.models import Permission, User\n"
            "from wallboard.models import Board\n"
            f"u = User.objects.create_user('soak', password={password!r})\n"
            "u.user_permissions.add(*Permission.objects.filter(codename__in=['view_board','act']))\n"
            f"b, _ = Board.objects.get_or_create(slug={SLUG!r}, defaults={{'name': 'Soak'}})\n"
            "print(b.issue_tv_token())\n"
        )
        token = (
            subprocess.run(
                [*manage, "shell", "-c", setup],
                cwd=BASE_DIR,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        for index, port in enumerate(stack.web_ports):
            daphne = [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
            stack.spawn(f"web-{index + 1}", [*daphne, "wallboard.asgi:application"])
        celery = [PYTHON, "-m", "celery", "-A", "wallboard"]
        stack.spawn(
            "worker", [*celery, "worker", "-l", "warning", "--concurrency", str(args.concurrency)]
        )
        stack.spawn("beat", [*celery, "beat", "-l", "warning", "-s", str(workdir / "beat")])
        for index, port in enumerate(stack.web_ports):
            wait_for_port(port, [stack.processes[f"web-{index + 1}"]], timeout=60)
    except BaseException:
        stack.stop()
        raise
    return stack, {"token": token, "password": password, "crm": keys["crm"]}


# --- The load -----------------------------------------------------------------------------------


@dataclass
class Tally:
    """What every screen saw, in aggregate (200 screens x minutes of events stay small)."""

    # (call id, state) -> the screens that saw it, as a bit mask (screen i is bit i)
    seen: dict[tuple[str, str], int] = field(default_factory=dict)
    messages: int = 0
    bytes: int = 0
    gaps: int = 0
    snapshots: int = 0
    drops: int = 0  # sockets closed under a screen
    connected: int = 0
    steady: set[int] = field(default_factory=set)  # screens never dropped
    latency: dict[int, list[int]] = field(default_factory=dict)  # minute -> bucket counts
    versions: dict[int, int] = field(default_factory=dict)  # screen -> last version applied

    def saw(self, screen: int, call_id: str, state: str) -> None:
        key = (call_id, state)
        self.seen[key] = self.seen.get(key, 0) | (1 << screen)

    def missed(self, call_id: str, state: str) -> int:
        """Screens connected throughout that never saw this call in this state."""
        steady = sum(1 << screen for screen in self.steady)
        return bin(steady & ~self.seen.get((call_id, state), 0)).count("1")

    def note_latency(self, minute: int, ms: float) -> None:
        buckets = self.latency.setdefault(minute, [0] * (len(LATENCY_BUCKETS_MS) + 1))
        for index, bound in enumerate(LATENCY_BUCKETS_MS):
            if ms <= bound:
                buckets[index] += 1
                return
        buckets[-1] += 1


SOAK_PREFIX = "virtualats:soak"


async def screen(
    index: int, url: str, origin: str, tally: Tally, started: float, stopping: asyncio.Event
) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import WebSocketException

    first = True
    while not stopping.is_set():
        try:
            # No client pings, as a browser sends none (the server pings, and is answered).
            async with connect(
                url, origin=origin, open_timeout=30, max_size=None, ping_interval=None
            ) as socket_:
                tally.connected += 1
                if first:
                    tally.steady.add(index)
                    first = False
                await follow(index, socket_, tally, started, stopping)
        except (TimeoutError, OSError, WebSocketException):
            pass
        if stopping.is_set():
            return
        tally.drops += 1
        tally.steady.discard(index)
        tally.versions.pop(index, None)
        await asyncio.sleep(1)


async def follow(
    index: int, socket_: Any, tally: Tally, started: float, stopping: asyncio.Event
) -> None:
    version: int | None = None
    async for raw in socket_:
        received = time.time()
        tally.messages += 1
        tally.bytes += len(raw)
        message = decode_message(raw)
        if message.type == "snapshot" and message.state is not None:
            tally.snapshots += 1
            version = message.version
            for call_id, call in message.state.calls.items():
                if call_id.startswith(SOAK_PREFIX):
                    tally.saw(index, call_id, call.status)
        elif message.type == "delta" and message.changes is not None:
            if version is None:
                continue  # waiting for the snapshot asked for
            if message.version != version + 1:
                tally.gaps += 1
                version = None
                await socket_.send('{"type":"resync"}')
                continue
            version = message.version
            webhook = False
            for call_id, call in message.changes.calls.items():
                if call_id.startswith(SOAK_PREFIX):
                    webhook = True
                    tally.saw(index, call_id, "gone" if call is None else call.status)
            if webhook:  # a webhook's delta: stamped when the server took the event in
                minute = int((received - started) // 60)
                tally.note_latency(minute, (received - message.server_time) * 1000)
        if version is not None:
            tally.versions[index] = version
        if stopping.is_set():
            return


@dataclass
class Sent:
    # (call id, state each screen must show): NEW -> ringing, UPDATE -> talking, HANGUP -> gone
    # (a HANGUP only when an earlier event of the call was taken: else there is nothing to end).
    accepted: list[tuple[str, str]] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)  # every answer, retries included
    given_up: int = 0  # events still refused after every retry
    unfinished: int = 0  # calls still being sent a minute after the end (a backlog)
    skipped: int = 0  # calls not started: MAX_CALLS_IN_FLIGHT were already under way
    late_ms: float = 0.0


EXPECTED = {"NEW": "ringing", "UPDATE": "talking", "HANGUP": "gone"}
RETRIES = 5  # a 503 means "busy, retry": as the vendor would, up to five times


MAX_CALLS_IN_FLIGHT = 200  # beyond this the server is far behind: new calls are skipped


async def webhooks(
    rate: float, ports: list[int], crm_key: str, sent: Sent, stopping: asyncio.Event
) -> None:
    """One call every 3/rate s, each NEW, UPDATE (0.3 s later), HANGUP (0.3 s later): `rate`
    events per second, each call's events in order. A server that falls behind is not flooded:
    at most MAX_CALLS_IN_FLIGHT calls are under way, and the calls that could not start are
    counted (the achieved rate is reported)."""
    calls: set[asyncio.Task[None]] = set()
    spacing = 3 / rate
    begin = time.monotonic()
    for number in itertools.count():
        delay = begin + number * spacing - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            sent.late_ms = max(sent.late_ms, -delay * 1000)
            await asyncio.sleep(0)
        if stopping.is_set():
            break
        if len(calls) >= MAX_CALLS_IN_FLIGHT:
            sent.skipped += 1
            continue
        port = ports[number % len(ports)]
        task = asyncio.create_task(one_call(port, crm_key, number, sent))
        calls.add(task)
        task.add_done_callback(calls.discard)
    if calls:
        _, unfinished = await asyncio.wait(calls, timeout=60)
        for task in unfinished:  # still retrying a minute after the end: given up
            task.cancel()
        sent.unfinished = len(unfinished)


async def post_json(port: int, path: str, body: dict[str, Any], timeout: float = 30) -> int:
    """One POST on a fresh connection, as a vendor's webhook sender makes it: the status code.
    (A few lines of HTTP/1.1 rather than a pooling client, which costs the load more CPU than
    the server under test at these rates.)"""
    payload = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    ).encode()

    async def exchange() -> int:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(head + payload)
            await writer.drain()
            status_line = await reader.readline()
            await reader.read()  # headers and body, until the server closes
            return int(status_line.split()[1])
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    return await asyncio.wait_for(exchange(), timeout)


async def one_call(port: int, crm_key: str, number: int, sent: Sent) -> None:
    call_id = f"soak{number:07d}"
    extension = str(100 + number % 8)
    shown = False
    for state in ("NEW", "UPDATE", "HANGUP"):
        started = time.monotonic()
        event = {
            "apiKey": crm_key,
            "callId": call_id,
            "state": state,
            "direction": "INBOUND",
            "source": f"99450{number % 10_000_000:07d}",
            "destination": "994124000000",
            "answeredNumber": "" if state == "NEW" else extension,
        }
        status = ""
        for attempt in range(RETRIES + 1):
            try:
                status = str(await post_json(port, "/hooks/virtualats/", event))
            except (OSError, TimeoutError, ValueError, IndexError) as exc:
                status = f"{type(exc).__name__}: {str(exc)[:60]}"
            sent.statuses[status] += 1
            if status != "503" or attempt == RETRIES:
                break
            await asyncio.sleep(0.5 * (attempt + 1))
        if status == "200":
            if state != "HANGUP" or shown:
                sent.accepted.append((f"virtualats:{call_id}", EXPECTED[state]))
            shown = True
        else:
            sent.given_up += 1
        await asyncio.sleep(max(0.0, 0.3 - (time.monotonic() - started)))


@dataclass
class Acted:
    statuses: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)


async def actions(
    per_minute: float,
    port: int,
    password: str,
    agents: list[str],
    acted: Acted,
    stopping: asyncio.Event,
) -> None:
    import httpx

    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        page = await http.get("/accounts/login/")
        form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        login = await http.post(
            "/accounts/login/",
            data={
                "username": "soak",
                "password": password,
                "csrfmiddlewaretoken": form_token[1] if form_token else "",
            },
            headers={"Referer": f"{base}/accounts/login/"},
        )
        if "sessionid" not in http.cookies:
            acted.statuses[f"login {login.status_code}"] += 1
            return
        for number in itertools.count():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=60 / per_minute)
            if stopping.is_set():
                return
            name = "pause" if number % 2 == 0 else "unpause"
            agent = agents[(number // 2) % len(agents)]
            started = time.monotonic()
            try:
                reply = await http.post(
                    f"/api/actions/{name}/",
                    json={"agent_id": agent, "board": SLUG},
                    headers={"X-CSRFToken": http.cookies.get("csrftoken", "")},
                )
                status = str(reply.status_code)
            except Exception as exc:  # noqa: BLE001 (counted and reported)
                status = f"{type(exc).__name__}: {str(exc)[:60]}"
            acted.statuses[status] += 1
            acted.seconds.append(time.monotonic() - started)


# --- Memory -------------------------------------------------------------------------------------


def usage(pid: int, children: bool = True) -> tuple[float, float]:
    """(RSS in MB, CPU seconds) of a process and (unless told not to) its children."""
    import psutil

    try:
        root = psutil.Process(pid)
        family = [root, *(root.children(recursive=True) if children else [])]
        rss = sum(p.memory_info().rss for p in family) / 2**20
        cpu = sum(sum(p.cpu_times()[:2]) for p in family)
        return rss, cpu
    except psutil.Error:
        return float("nan"), float("nan")


Sample = tuple[float, dict[str, tuple[float, float]]]  # (seconds, name -> (RSS MB, CPU s))


async def sample_usage(
    stack: Stack, samples: list[Sample], started: float, stopping: asyncio.Event
) -> None:
    pids = {name: p.pid for name, p in stack.processes.items()}
    pids["redis"] = stack.redis.process.pid
    while True:
        sample = {n: usage(pid) for n, pid in pids.items()}
        sample["load (this)"] = usage(os.getpid(), children=False)  # the stack is its children
        samples.append((time.monotonic() - started, sample))
        if stopping.is_set():
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=10)


# --- Running and reporting ----------------------------------------------------------------------


async def drive(args: argparse.Namespace, stack: Stack, secrets_: dict[str, str]) -> dict[str, Any]:
    import redis.asyncio as aioredis

    tally, sent, acted = Tally(), Sent(), Acted()
    memory: list[Sample] = []
    stop_screens, stop_load = asyncio.Event(), asyncio.Event()
    started = time.time()
    ports = stack.web_ports

    say(f"opening {args.clients} screens over {len(ports)} web processes ...")
    screens = [
        asyncio.create_task(
            screen(
                index,
                f"ws://127.0.0.1:{ports[index % len(ports)]}/ws/boards/{SLUG}/?token="
                f"{secrets_['token']}",
                f"http://127.0.0.1:{ports[index % len(ports)]}",
                tally,
                started,
                stop_screens,
            )
        )
        for index in range(args.clients)
    ]
    deadline = time.monotonic() + 120
    while len(tally.versions) < args.clients and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    say(f"{len(tally.versions)} screens have their snapshot")
    # Wait for the first polls, so Voicenter agents exist for the supervisor to act on.
    client = aioredis.Redis.from_url(stack.env["REDIS_URL"])
    agents: list[str] = []
    while not agents and time.monotonic() < deadline:
        raw = await client.get("wb:src:voicenter:snapshot")
        agents = sorted(json.loads(raw)["agents"])[:5] if raw else []
        await asyncio.sleep(0.5)

    memory_task = asyncio.create_task(sample_usage(stack, memory, time.monotonic(), stop_load))
    say(
        f"driving {args.webhooks_per_second:g} webhook events/s and {args.actions_per_minute:g} "
        f"actions/min for {args.minutes:g} min ..."
    )
    load = [
        asyncio.create_task(
            webhooks(args.webhooks_per_second, ports, secrets_["crm"], sent, stop_load)
        ),
        asyncio.create_task(
            actions(
                args.actions_per_minute, ports[0], secrets_["password"], agents, acted, stop_load
            )
        ),
    ]
    progress_every = max(10.0, args.minutes * 6)
    run_until = time.monotonic() + args.minutes * 60
    while time.monotonic() < run_until:
        await asyncio.sleep(min(progress_every, max(0.0, run_until - time.monotonic())))
        elapsed = time.time() - started
        say(
            f"  {elapsed:6.0f} s  webhook {dict(sent.statuses)}  actions {dict(acted.statuses)}  "
            f"messages {tally.messages}  gaps {tally.gaps}  drops {tally.drops}"
        )
    stop_load.set()
    await asyncio.gather(*load, memory_task)

    # Drain: every screen reaches the board's last version (or a minute passes).
    drain_started = time.monotonic()
    final = int(await client.get(f"wb:board:{SLUG}:version") or 0)
    while time.monotonic() - drain_started < 60:
        behind = [i for i in range(args.clients) if tally.versions.get(i, -1) < final]
        if not behind:
            break
        await asyncio.sleep(0.2)
    drain = time.monotonic() - drain_started
    await asyncio.sleep(1)  # deltas for events answered last
    stop_screens.set()
    for task in screens:
        task.cancel()
    await asyncio.gather(*screens, return_exceptions=True)
    await client.aclose()
    return summarise(args, stack, tally, sent, acted, memory, drain, final)


def percentile(buckets: list[int], share: float) -> str:
    total = sum(buckets)
    if not total:
        return "-"
    running = 0
    for index, count in enumerate(buckets):
        running += count
        if running >= share * total:
            bound = LATENCY_BUCKETS_MS[index] if index < len(LATENCY_BUCKETS_MS) else None
            return f"<={bound} ms" if bound is not None else f">{LATENCY_BUCKETS_MS[-1]} ms"
    return "-"


def summarise(
    args: argparse.Namespace,
    stack: Stack,
    tally: Tally,
    sent: Sent,
    acted: Acted,
    memory: list[Sample],
    drain: float,
    final_version: int,
) -> dict[str, Any]:
    steady = len(tally.steady)
    lost = sum(tally.missed(call_id, state) for call_id, state in sent.accepted)
    # Memory: after a minute's warm-up (or a quarter of a short run) against the last sample.
    warm = min(60.0, args.minutes * 15)
    first = next(((t, m) for t, m in memory if t >= warm), memory[0]) if memory else (0.0, {})
    last = memory[-1] if memory else (0.0, {})
    wall = (last[0] - memory[0][0]) if memory else 0.0
    growth = {
        name: {
            "start_mb": round(first[1][name][0], 1),
            "end_mb": round(last[1][name][0], 1),
            "growth_mb": round(last[1][name][0] - first[1][name][0], 1),
            "cpu_cores": round((last[1][name][1] - memory[0][1][name][1]) / wall, 2)
            if wall
            else None,
        }
        for name in first[1]
    }
    events_sent = sum(sent.statuses.values())
    result = {
        "settings": {
            "minutes": args.minutes,
            "clients": args.clients,
            "web_processes": args.web,
            "worker_concurrency": args.concurrency,
            "webhook_events_per_second": args.webhooks_per_second,
            "actions_per_minute": args.actions_per_minute,
            "poll_seconds": args.poll_seconds,
        },
        "webhook": {
            "sent": events_sent,
            "achieved_per_second": round(events_sent / (args.minutes * 60), 1),
            "statuses": dict(sent.statuses),
            "given_up": sent.given_up,
            "calls_unfinished_at_end": sent.unfinished,
            "calls_skipped_server_behind": sent.skipped,
            "sender_fell_behind_ms": round(sent.late_ms),
        },
        "actions": {
            "sent": sum(acted.statuses.values()),
            "statuses": dict(acted.statuses),
            "slowest_s": round(max(acted.seconds, default=0), 3),
        },
        "screens": {
            "connected_throughout": steady,
            "drops": tally.drops,
            "messages": tally.messages,
            "megabytes": round(tally.bytes / 2**20, 1),
            "snapshots": tally.snapshots,
            "version_gaps": tally.gaps,
            "drain_seconds": round(drain, 1),
            "final_version": final_version,
        },
        "events_lost": lost,
        "latency_by_minute": {
            str(minute): {
                "deltas": sum(buckets),
                "p50": percentile(buckets, 0.5),
                "p95": percentile(buckets, 0.95),
                "p99": percentile(buckets, 0.99),
                "max": percentile(buckets, 1.0),
            }
            for minute, buckets in sorted(tally.latency.items())
        },
        "memory": growth,
        "server_log_errors": stack.log_errors(),
    }
    failed = (
        lost
        or tally.gaps
        or tally.drops
        or any(status != "200" for status in sent.statuses)
        or sent.given_up
        or sent.skipped
        or sent.unfinished
        or any(status not in ("200", "502") for status in acted.statuses)
        or any(result["server_log_errors"].values())
    )
    result["verdict"] = "FAILED" if failed else "passed"
    return result


def report(result: dict[str, Any]) -> None:
    say()
    say("=== soak")
    settings = result["settings"]
    say(
        f"{settings['clients']} screens on {settings['web_processes']} web processes, "
        f"{settings['webhook_events_per_second']:g} webhook events/s, "
        f"{settings['actions_per_minute']:g} actions/min, {settings['minutes']:g} min"
    )
    webhook, actions_, screens = result["webhook"], result["actions"], result["screens"]
    say(
        f"webhook events: {webhook['sent']} sent ({webhook['achieved_per_second']}/s), "
        f"answers {webhook['statuses']}"
    )
    say(f"actions: {actions_['sent']} sent, answers {actions_['statuses']}")
    say(
        f"screens: {screens['connected_throughout']} connected throughout, {screens['drops']} "
        f"drops, {screens['messages']} messages ({screens['megabytes']} MB), "
        f"{screens['version_gaps']} version gaps, drained in {screens['drain_seconds']} s"
    )
    say(f"EVENTS LOST: {result['events_lost']}")
    say("latency, webhook event taken in -> on every screen, by minute:")
    for minute, row in result["latency_by_minute"].items():
        say(
            f"  min {minute:>2}: {row['deltas']:>9} deltas  p50 {row['p50']:>10}  "
            f"p95 {row['p95']:>10}  p99 {row['p99']:>10}  max {row['max']:>10}"
        )
    say("memory (RSS, process and children) after warm-up -> end; CPU cores used under load:")
    for name, row in result["memory"].items():
        start, end, growth = row["start_mb"], row["end_mb"], row["growth_mb"]
        cores = row["cpu_cores"]
        say(f"  {name:<11} {start:>7} MB -> {end:>7} MB ({growth:+} MB)  {cores} cores")
    say(f"server log errors: {result['server_log_errors']}")
    say(f"verdict: {result['verdict']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--webhooks-per-second", type=float, default=50.0)
    parser.add_argument("--actions-per-minute", type=float, default=10.0)
    parser.add_argument("--web", type=int, default=2, help="web (Daphne) processes")
    parser.add_argument("--concurrency", type=int, default=4, help="worker pool processes")
    parser.add_argument("--poll-seconds", type=float, default=2.0)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args(argv)

    # A stop request (SIGTERM) unwinds like Ctrl-C, so the stack is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="wallboard-soak-"))
    say(f"work directory (logs): {workdir}")
    stack, secrets_ = start_stack(args, workdir)
    try:
        result = asyncio.run(drive(args, stack, secrets_))
    finally:
        stack.stop()
    report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))
    if not args.keep and result["verdict"] == "passed":
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if result["verdict"] == "passed" else 1


if __name__ == "__main__":
    sys.exit(main())
