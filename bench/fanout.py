"""fanout: many board sockets on one or two server processes, deltas at 2 per second per board.

Method: one board ("floor"); its stored snapshot is a real poll of a 300-agent simulated floor
(~130 KiB), and the deltas published are that floor's real successive 2-second deltas (~4 KB).
N WebSocket clients in one separate process (bench.fanout_clients, uvloop + websockets, offering
permessage-deflate as Chromium does) connect, get their snapshot, then the bench process
publishes a delta every 0.5 s through the real path (services.publish -> store.commit: one Redis
MULTI storing health, bumping the board's version and PUBLISHing on the channel layer's group
channel). Latency per delivery = receipt time in the client minus the server_time written into
the delta just before publishing (same clock). Nothing lost = every client got every version
published after its snapshot. CPU of every process is read from /proc over the publishing window
(Redis, the server processes, the client process, the publisher): on 2 cores they all compete,
so the client process and Redis are reported too. Server setups, each started fresh against the
benchmark's private Redis and SQLite:
  daphne             daphne wallboard.asgi:application (what `make run` and docker-compose run)
  uvicorn            uvicorn --loop uvloop --http httptools --ws websockets: uvicorn as it
                     comes, accepting the browser's permessage-deflate (compresses per socket)
  uvicorn-nodeflate  the same with --ws websockets-sansio --ws-per-message-deflate false
  websockets         bench.bare_server: a bare websockets.broadcast of the same texts from one
                     Redis subscription, no Django or Channels (the floor to compare against)
Two server processes listen on two ports sharing the Redis; clients alternate between them.
The verdicts are daphne's (what ships); the other setups are comparisons.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec

from bench import env
from bench.report import Spread, Verdicts, heading, load, over_runs, say
from bench.workload import SOURCE, VoicenterFeed, healthy, poll_into_store, to_snapshot

if TYPE_CHECKING:
    from collections.abc import Iterator

    from bench.env import Stack

NAME = "fanout"
SETTINGS_ENV = env.IDLE_VOICENTER
REPEAT = 1
PERIOD = 0.5  # 2 deltas per second per board
PUBLISHES = 12  # 6 s of publishing per setup
TARGET_P95_MS = 250.0
SETTLE_SECONDS = 1.0  # the CPU window ends this long after the last publish
CLIENT_PROCESS_LIMIT = 240.0  # seconds; a stuck client process is killed, never waited on


@dataclass(frozen=True)
class Setup:
    server: str  # daphne | uvicorn | websockets
    processes: int
    clients: int

    @property
    def label(self) -> str:
        return f"{self.server} x{self.processes}, {self.clients} clients"


SETUPS = (
    Setup("daphne", 1, 500),
    Setup("uvicorn", 1, 500),
    Setup("uvicorn-nodeflate", 1, 500),
    Setup("websockets", 1, 500),
    Setup("daphne", 2, 1000),
    Setup("uvicorn-nodeflate", 2, 1000),
)
APP = "wallboard.asgi:application"


@dataclass
class Outcome:
    setup: Setup
    latency: Spread
    connected: int
    failed: int
    errors: list[str]
    delivered: int
    lost: int
    lost_clients: int
    publishes: int
    cpu_s: dict[str, float]  # process role -> CPU seconds over the publishing window
    window_s: float
    rss_mb: tuple[float, float]  # server processes' RSS before and after the clients connected
    extensions: dict[str, int]
    load: str
    # Seconds until the servers listened, then until every client had its snapshot.
    startup_s: tuple[float, float]

    @property
    def server_us_per_message(self) -> float:
        return self.cpu_s["server"] / max(1, self.delivered) * 1e6


# ----- the pieces ------------------------------------------------------------------------------


def real_deltas(count: int) -> list[dict[str, Any]]:
    """Store one real poll of a 300-agent floor, then make `count` successive 2 s deltas."""
    from wallboard.board.diff import diff_snapshots, stamp_state_since

    feed = VoicenterFeed(300, 30, seed=3)
    poll_into_store(feed, feed.now)
    old = to_snapshot(feed.step(0))
    deltas = []
    for _ in range(count):
        new = to_snapshot(feed.step(2.0))
        stamp_state_since(old, new, feed.now)
        deltas.append(diff_snapshots(old, new))
        old = new
    return deltas


def server_command(server: str, stack: Stack, port: int) -> list[str]:
    from wallboard.board import store

    if server == "daphne":
        return env.daphne(port, APP)
    if server == "uvicorn":  # as uvicorn comes: it accepts the browser's permessage-deflate
        return env.uvicorn(port, APP, "--ws", "websockets")
    if server == "uvicorn-nodeflate":
        options = ("--ws", "websockets-sansio", "--ws-per-message-deflate", "false")
        return env.uvicorn(port, APP, *options)
    return [
        *(env.PYTHON, "-m", "bench.bare_server", "--port", str(port), "--redis", stack.redis.url),
        *("--channel", store.layer_channel("floor"), "--version-key", store.version_key("floor")),
    ]


@contextmanager
def client_process(urls: list[str], count: int) -> Iterator[subprocess.Popen[str]]:
    command = [env.PYTHON, "-m", "bench.fanout_clients", "--clients", str(count), *urls]
    process = subprocess.Popen(
        command, cwd=env.BASE_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    watchdog = threading.Timer(CLIENT_PROCESS_LIMIT, process.kill)
    watchdog.start()
    try:
        yield process
    finally:
        watchdog.cancel()
        env.stop([process])  # type: ignore[list-item]


def publish_deltas(deltas: list[dict[str, Any]]) -> list[int]:
    """A delta every PERIOD seconds on a fixed schedule; returns the versions published."""
    from wallboard.board.services import publish

    versions = []
    start = time.monotonic()
    for index in range(PUBLISHES):
        time.sleep(max(0.0, start + index * PERIOD - time.monotonic()))
        now = time.time()
        versions.append(publish(SOURCE, None, healthy(now), deltas[index % len(deltas)], now)[0])
    return versions


def cpu_by_role(roles: dict[str, list[int]]) -> dict[str, float]:
    return {role: sum(env.cpu_seconds(pid) for pid in pids) for role, pids in roles.items()}


def measure(setup: Setup, stack: Stack, deltas: list[dict[str, Any]], token: str) -> Outcome:
    ports = env.ports(setup.processes)
    path = "/ws/boards/floor/" + ("" if setup.server == "websockets" else f"?token={token}")
    urls = [f"ws://127.0.0.1:{port}{path}" for port in ports]
    server_env = stack.env(**env.IDLE_VOICENTER)
    commands = [server_command(setup.server, stack, port) for port in ports]
    log = stack.workdir / "servers.log"
    began = time.monotonic()
    with env.processes(commands, server_env, ports, log) as servers:
        listening = time.monotonic()
        rss_before = sum(env.rss_mb(p.pid) for p in servers)
        with client_process(urls, setup.clients) as clients:
            assert clients.stdout is not None and clients.stdin is not None
            ready = clients.stdout.readline().split()
            assert ready[:1] == ["ready"], f"client process said {ready!r}"
            rss_after = sum(env.rss_mb(p.pid) for p in servers)
            ready_at = time.monotonic()
            roles = {"server": [p.pid for p in servers], "clients": [clients.pid]}
            roles |= {"redis": [stack.redis.process.pid], "publisher": [os.getpid()]}
            before = cpu_by_role(roles)
            started = time.monotonic()
            versions = publish_deltas(deltas)
            time.sleep(SETTLE_SECONDS)
            after = cpu_by_role(roles)
            window = time.monotonic() - started
            clients.stdin.write(f"stop {versions[0]} {versions[-1]}\n")
            clients.stdin.flush()
            report = json.loads(clients.stdout.readline())
    return Outcome(
        setup=setup,
        latency=Spread.of(report["latencies_ms"]),
        connected=report["connected"],
        failed=report["failed"],
        errors=report["errors"],
        delivered=report["delivered"],
        lost=report["lost"],
        lost_clients=report["lost_clients"],
        publishes=len(versions),
        cpu_s={role: after[role] - before[role] for role in roles},
        window_s=window,
        rss_mb=(rss_before, rss_after),
        extensions=report["extensions"],
        load=load(),
        startup_s=(listening - began, ready_at - listening),
    )


# ----- the report ------------------------------------------------------------------------------


def describe(outcome: Outcome) -> None:
    cpu = ", ".join(f"{role} {seconds:.1f} s" for role, seconds in outcome.cpu_s.items())
    rss_before, rss_after = outcome.rss_mb
    per_thousand = (rss_after - rss_before) / max(1, outcome.connected) * 1000
    listen, connect = outcome.startup_s
    say(
        f"{outcome.setup.label}: connected {outcome.connected}, failed {outcome.failed} "
        f"(servers up in {listen:.1f} s, clients had their snapshots {connect:.1f} s later)"
    )
    for error in outcome.errors:
        say(f"    error: {error}")
    say(f"    delivery latency {outcome.latency.text('ms', 1)}")
    expected = outcome.delivered + outcome.lost
    say(
        f"    delivered {outcome.delivered} of {expected} ({outcome.publishes} deltas), "
        f"lost {outcome.lost} (on {outcome.lost_clients} clients)"
    )
    say(
        f"    CPU over the {outcome.window_s:.1f} s window: {cpu}; "
        f"server {outcome.server_us_per_message:.0f} us per delivered message"
    )
    say(
        f"    server RSS {rss_before:.0f} -> {rss_after:.0f} MB "
        f"({per_thousand:.0f} MB per 1,000 sockets); negotiated {outcome.extensions}"
    )
    say(f"    {outcome.load}")


def meets_target(outcomes: list[Outcome]) -> bool:
    """The median run's p95 within target, and nothing lost or refused in any run."""
    p95 = statistics.median(o.latency.p95 for o in outcomes)
    return p95 <= TARGET_P95_MS and all(o.lost == 0 and o.failed == 0 for o in outcomes)


def summarise(runs: dict[Setup, list[Outcome]]) -> Verdicts:
    bare = [
        o.server_us_per_message
        for s, runs_ in runs.items()
        if s.server == "websockets"
        for o in runs_
    ]
    say("summary (median over runs; x bare = server CPU per message / the bare server's):")
    say(f"       {'setup':<37} | p50 ms | p95 ms | p99 ms | lost | us/msg | x bare")
    for setup, outcomes in runs.items():
        p50, p95, p99 = (
            statistics.median(getattr(o.latency, name) for o in outcomes)
            for name in ("p50", "p95", "p99")
        )
        lost = sum(o.lost + o.failed for o in outcomes)
        cost = statistics.median(o.server_us_per_message for o in outcomes)
        ratio = cost / statistics.median(bare) if bare else float("nan")
        mark = "ok  " if meets_target(outcomes) else "MISS"
        say(
            f"  {mark} {setup.label:<37} | {p50:6.1f} | {p95:6.1f} | {p99:6.1f} | {lost:4d} "
            f"| {cost:6.0f} | {ratio:5.1f}"
        )
    verdicts = Verdicts()
    for setup, outcomes in runs.items():
        if setup.server != "daphne":  # the shipped server, as shipped; the rest compare
            continue
        p95s = [o.latency.p95 for o in outcomes]
        lost = sum(o.lost + o.failed for o in outcomes)
        verdicts.check(
            meets_target(outcomes),
            f"{setup.label}: p95 {over_runs(p95s, 0)} ms <= {TARGET_P95_MS:.0f} ms, "
            f"{lost} lost or refused",
        )
    return verdicts


def run(stack: Stack, repeat: int) -> bool:
    heading(NAME, "WebSocket fan-out: 500 clients on one process, 1,000 on two")
    say(__doc__.split("\n\n", 1)[1].strip())
    say(f"measured at {load()}")
    token = env.tv_token()
    deltas = real_deltas(PUBLISHES)
    sizes = [len(msgspec.json.encode(d)) for d in deltas]
    say(f"deltas: {statistics.median(sizes):.0f} bytes median of changes, {PUBLISHES} per setup")
    runs: dict[Setup, list[Outcome]] = {setup: [] for setup in SETUPS}
    for _ in range(repeat):  # interleaved, so a burst of foreign load hits every setup alike
        for setup in SETUPS:
            outcome = measure(setup, stack, deltas, token)
            describe(outcome)
            runs[setup].append(outcome)
    verdicts = summarise(runs)
    say(f"finished at {load()}")
    verdicts.print()
    return verdicts.all_passed
