"""e2e_latency: a change in the call centre until the board's DOM shows it, in real Chromium.

Method: the whole product on loopback, as `make run` starts it: the simulated call centre
(Voicenter: 20 agents, 4 queues; VirtualATS: 8 extensions posting its CRM webhook to the
board), Daphne, and a Celery worker with embedded beat polling every 2 s (the default
WALLBOARD_POLL_SECONDS), sharing a private Redis and a throwaway SQLite. The simulator is frozen,
so only the benchmark's own changes happen. Chromium opens the floor board's TV link; an in-page
MutationObserver stamps when the changed element first shows the change (epoch ms from the
page's clock). Latency = that stamp minus time.time() just before the benchmark's HTTP request
that makes the change (page and bench share the system clock; the offset measured through a
round trip is printed).
  poll path:    a Voicenter agent's status is set through the simulator (Lunch, then back to
                Login); the next poll sees it. Samples are spaced by a random 0-2 s so changes
                land at every phase of the poll period.
  webhook path: a VirtualATS extension is rung, answered and hung up through the simulator;
                each step is one CRM webhook event (NEW, UPDATE, HANGUP) posted to
                /hooks/virtualats/, applied and published at once.
"""

from __future__ import annotations

import contextlib
import functools
import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from bench import chromium, env
from bench.report import Spread, Verdicts, heading, load, say

if TYPE_CHECKING:
    from collections.abc import Iterator

    from bench.env import Stack
    from telephony.simulator.server import SimulatorServer

NAME = "e2e_latency"
REPEAT = 1
POLL_SECONDS = 2.0
POLL_SAMPLES = 24
WEBHOOK_ROUNDS = 10  # x 3 events
TARGET_POLL_MS = POLL_SECONDS * 1000 + 250
TARGET_WEBHOOK_MS = 150.0
CRM_KEY = "bench-crm-key"
SIM_KEYS = {
    "voicenter_code": "bench-code",
    "virtualats_public_key": "bench-public",
    "virtualats_secret_key": "bench-secret",
}


@dataclass
class Live:
    url: str
    simulator: SimulatorServer
    control: httpx.Client


@contextlib.contextmanager
def live_stack(stack: Stack) -> Iterator[Live]:
    """Simulator (in this process) + Daphne + Celery worker with beat, all stopped at the end."""
    from telephony.simulator.callcentre import CallCentre
    from telephony.simulator.server import SimulatorServer

    port = env.free_port()
    simulator = SimulatorServer(
        CallCentre(agents=20, queues=4, seed=7),
        **SIM_KEYS,
        crm_webhook_url=f"http://127.0.0.1:{port}/hooks/virtualats/",
        crm_api_key=CRM_KEY,
    )
    simulator.start()
    try:
        base = simulator.base_url
        server_env = stack.env(
            WALLBOARD_POLL_SECONDS=str(POLL_SECONDS),
            VOICENTER_CODE=SIM_KEYS["voicenter_code"],
            VOICENTER_BASE_URL=f"{base}/voicenter/comet/API",
            VIRTUALATS_PUBLIC_KEY=SIM_KEYS["virtualats_public_key"],
            VIRTUALATS_SECRET_KEY=SIM_KEYS["virtualats_secret_key"],
            VIRTUALATS_BASE_URL=f"{base}/virtualats/vats/api",
            VIRTUALATS_CRM_API_KEY=CRM_KEY,
        )
        worker = [env.PYTHON, "-m", "celery", "-A", "wallboard", "worker", "--beat"]
        worker += ["--pool", "solo", "-l", "warning", "-s", str(stack.workdir / "beat")]
        commands = [env.daphne(port), worker]
        with (
            env.processes(commands, server_env, [port], stack.workdir / "stack.log"),
            httpx.Client(base_url=base, timeout=10) as control,
        ):
            control.post("/_sim/freeze").raise_for_status()
            yield Live(f"http://127.0.0.1:{port}", simulator, control)
    finally:
        simulator.stop()


def open_board(browser: Any, live: Live, token: str) -> Any:
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    page.goto(f"{live.url}/boards/floor/?token={token}")
    # Both vendors' agents: 20 Voicenter agents and 8 VirtualATS extensions.
    page.wait_for_function(
        "document.querySelectorAll('.agent[data-id]').length === 28", timeout=30_000
    )
    page.evaluate(chromium.PROBE)
    return page


def timed_change(
    page: Any, probe: tuple[str, str, str], change: Any, timeout_ms: float = 5_000
) -> float:
    """Arm the probe, make the change, return ms from just before the change to the DOM."""
    chromium.arm(page, *probe)
    started = time.time() * 1000
    change()
    return chromium.changed_at(page, timeout_ms) - started


def poll_path(page: Any, live: Live, rng: random.Random) -> list[float]:
    agents = live.simulator.app.centre.snapshot()["agents"]
    username = next(a["username"] for a in agents if a["status"] == 1 and a["call"] is None)
    tile = f'.agent[data-id="voicenter:{username}"]'
    samples = []
    for index in range(POLL_SAMPLES):
        status, state = (3, "state-paused") if index % 2 == 0 else (1, "state-available")
        time.sleep(rng.uniform(0, POLL_SECONDS))

        def change(status: int = status) -> None:
            path = f"/_sim/agents/{username}/status"
            live.control.post(path, json={"status": status}).raise_for_status()

        samples.append(timed_change(page, (tile, "hasClass", state), change, 10_000))
    return samples


def webhook_path(page: Any, live: Live, rng: random.Random) -> dict[str, list[float]]:
    incoming = '.queue[data-id="virtualats:incoming"] .queue-count-value'
    samples: dict[str, list[float]] = {"NEW": [], "UPDATE": [], "HANGUP": []}
    for _ in range(WEBHOOK_ROUNDS):
        time.sleep(rng.uniform(0.2, 0.6))
        waiting = int(page.text_content(incoming) or 0)
        call: dict[str, str] = {}
        ring = functools.partial(ring_a_free_extension, live, call)
        samples["NEW"].append(timed_change(page, (incoming, "textIs", str(waiting + 1)), ring))
        tile = f'.agent[data-id="virtualats:{call["number"]}"]'
        for event, path, probe in (
            ("UPDATE", "answer", (tile, "hasClass", "state-talking")),
            ("HANGUP", "hangup", (tile, "lacksClass", "state-talking")),
        ):
            time.sleep(rng.uniform(0.2, 0.6))
            control = functools.partial(sim_post, live, f"calls/{call['call_id']}/{path}")
            samples[event].append(timed_change(page, probe, control))
    return samples


def sim_post(live: Live, path: str) -> httpx.Response:
    return live.control.post(f"/_sim/virtualats/{path}").raise_for_status()


def ring_a_free_extension(live: Live, call: dict[str, str]) -> None:
    """Ring the first extension that can take a call (busy or logged out ones answer 409)."""
    for number in range(100, 108):
        reply = live.control.post(f"/_sim/virtualats/extensions/{number}/calls")
        if reply.status_code == 200:
            call.update(reply.json(), number=str(number))
            return
    raise RuntimeError("no VirtualATS extension is free to ring")


def run(stack: Stack, repeat: int) -> bool:
    heading(NAME, "change in the call centre -> board DOM, real Chromium")
    say(__doc__.split("\n\n", 1)[1].strip())
    token = env.tv_token()
    rng = random.Random(7)
    polls: list[float] = []
    hooks: dict[str, list[float]] = {"NEW": [], "UPDATE": [], "HANGUP": []}
    with chromium.browser() as browser, live_stack(stack) as live:
        say(f"browser: {chromium.version(browser)}; measured at {load()}")
        page = open_board(browser, live, token)
        say(f"page clock - bench clock: {chromium.clock_offset_ms(page):+.1f} ms")
        for _ in range(repeat):
            polls += poll_path(page, live, rng)
            for event, samples in webhook_path(page, live, rng).items():
                hooks[event] += samples
    say(f"finished at {load()}")
    poll = Spread.of(polls)
    webhook = Spread.of([v for samples in hooks.values() for v in samples])
    say(f"poll path (period {POLL_SECONDS:.0f} s): {poll.text('ms', 0)}")
    say(f"webhook path, all events: {webhook.text('ms', 1)}")
    for event, samples in hooks.items():
        say(f"  {event:<6} {Spread.of(samples).text('ms', 1)}")
    verdicts = Verdicts()
    verdicts.check(
        poll.p95 <= TARGET_POLL_MS,
        f"simulator change -> DOM p95 {poll.p95:.0f} ms <= poll period + 250 ms "
        f"= {TARGET_POLL_MS:.0f} ms",
    )
    verdicts.check(
        webhook.p95 <= TARGET_WEBHOOK_MS,
        f"webhook event -> DOM p95 {webhook.p95:.1f} ms <= {TARGET_WEBHOOK_MS:.0f} ms",
    )
    verdicts.print()
    return verdicts.all_passed
