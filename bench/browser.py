"""browser: a 300-agent board in real Chromium: time to apply a delta, and the JS heap over hours.

Method: Daphne serves the app; the bench process itself is the poller: a simulated floor of
300 agents / 30 queues is polled through the real commit path (services.commit_snapshot: store,
diff, publish over the channel layer), so the page gets the real snapshot and real deltas over
a real socket. Before the page loads, an init script wraps the board's WebSocket "message"
listener (board.js's onSocketMessage: JSON.parse, model update, DOM update, update listeners):
  handler        performance.now() around the listener
  +layout        the same, plus forcing style and layout (document.body.offsetHeight) inside
                 the measurement, so the browser's own work for the change counts too
Paint is not included (headless, no GPU). Two phases, each on a fresh store and page:
  deltas  speed 8 (one delta every 0.25 s of real time = the changes of a 2 s poll), 80 deltas
  heap    speed 120 (2 simulated hours in 60 s; a delta every 0.5 s = a minute of changes),
          JS heap sampled every 5 s after a forced garbage collection (CDP
          HeapProfiler.collectGarbage, then Performance.getMetrics JSHeapUsedSize, Nodes,
          JSEventListeners); slope by least squares. The browser's own 1 s timers run in real
          time, so a leak per tick (rather than per update or per call) would show 120x less.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bench import chromium, env
from bench.report import Spread, Verdicts, heading, load, say
from bench.workload import VoicenterFeed, poll_into_store

if TYPE_CHECKING:
    from collections.abc import Iterator

    from bench.env import Stack

NAME = "browser"
SETTINGS_ENV = env.IDLE_VOICENTER
REPEAT = 1
AGENTS, QUEUES = 300, 30
DELTA_SPEED, DELTA_PERIOD, DELTAS = 8.0, 0.25, 80
HEAP_SPEED, HEAP_PERIOD, HEAP_SECONDS, HEAP_SAMPLE_EVERY = 120.0, 0.5, 60.0, 5.0
TARGET_APPLY_MS = 16.0
FLAT_HEAP_MB = 1.0  # growth over the simulated 2 hours (least-squares line) that counts as flat

TIMING = """
(() => {
  const timings = [];
  window.__applyTimings = timings;
  const add = WebSocket.prototype.addEventListener;
  WebSocket.prototype.addEventListener = function (type, listener, options) {
    if (type !== "message") return add.call(this, type, listener, options);
    const timed = (event) => {
      const start = performance.now();
      listener.call(this, event);
      const handled = performance.now();
      void document.body.offsetHeight;
      const laidOut = performance.now();
      window.__socket = this;
      timings.push({
        kind: String(event.data).slice(9, 14),
        handler: handled - start,
        layout: laidOut - start,
        bytes: event.data.length,
      });
    };
    return add.call(this, type, timed, options);
  };
})();
"""


@dataclass
class HeapSample:
    hours: float  # simulated time since the page opened
    heap_mb: float
    nodes: int
    listeners: int


@dataclass
class Results:
    snapshot: dict[str, float] = field(default_factory=dict)
    handler_ms: list[float] = field(default_factory=list)
    layout_ms: list[float] = field(default_factory=list)
    delta_bytes: list[int] = field(default_factory=list)
    heap: list[HeapSample] = field(default_factory=list)
    reloaded: bool = False


@contextlib.contextmanager
def board_server(stack: Stack) -> Iterator[str]:
    port = env.free_port()
    commands = [env.daphne(port)]
    server_env = stack.env(**env.IDLE_VOICENTER)
    with env.processes(commands, server_env, [port], stack.workdir / "daphne.log"):
        yield f"http://127.0.0.1:{port}"


def open_board(browser: Any, url: str, token: str) -> Any:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.add_init_script(TIMING)
    page = context.new_page()
    page.goto(f"{url}/boards/floor/?token={token}")
    count = f"document.querySelectorAll('.agent[data-id]').length === {AGENTS}"
    page.wait_for_function(count, timeout=30_000)
    page.evaluate("window.__sameDocument = true")
    return page


def fresh_feed(speed: float) -> VoicenterFeed:
    from wallboard.board import store

    store.client().flushdb()
    feed = VoicenterFeed(AGENTS, QUEUES, seed=5, speed=speed)
    poll_into_store(feed, time.time())  # the snapshot the page will open with
    return feed


def publish_every(feed: VoicenterFeed, period: float, count: int) -> Iterator[int]:
    """Poll on a fixed real-time schedule; yields the index after each poll."""
    start = time.monotonic()
    for index in range(count):
        time.sleep(max(0.0, start + (index + 1) * period - time.monotonic()))
        poll_into_store(feed, time.time())
        yield index


def delta_phase(browser: Any, url: str, token: str, results: Results) -> None:
    feed = fresh_feed(DELTA_SPEED)
    page = open_board(browser, url, token)
    for _ in publish_every(feed, DELTA_PERIOD, DELTAS):
        pass
    page.wait_for_function(f"document.body.dataset.version === '{DELTAS + 1}'", timeout=10_000)
    # A resync: the same snapshot again, onto tiles that already exist.
    page.evaluate("window.__socket.send(JSON.stringify({type: 'resync'}))")
    page.wait_for_function("window.__applyTimings.at(-1).kind === 'snaps'", timeout=10_000)
    timings = page.evaluate("window.__applyTimings")
    snapshots = [t for t in timings if t["kind"] == "snaps"]
    results.snapshot = {k: snapshots[0][k] for k in ("handler", "layout", "bytes")}
    results.snapshot["resync"] = snapshots[-1]["layout"]
    for timing in (t for t in timings if t["kind"] == "delta"):
        results.handler_ms.append(timing["handler"])
        results.layout_ms.append(timing["layout"])
        results.delta_bytes.append(timing["bytes"])
    page.context.close()


def heap_phase(browser: Any, url: str, token: str, results: Results) -> None:
    feed = fresh_feed(HEAP_SPEED)
    page = open_board(browser, url, token)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    started = time.monotonic()
    results.heap.append(heap_sample(cdp, 0.0))
    polls = int(HEAP_SECONDS / HEAP_PERIOD)
    per_sample = int(HEAP_SAMPLE_EVERY / HEAP_PERIOD)
    for index in publish_every(feed, HEAP_PERIOD, polls):
        if (index + 1) % per_sample == 0:
            hours = (time.monotonic() - started) * HEAP_SPEED / 3600
            results.heap.append(heap_sample(cdp, hours))
    results.reloaded = not page.evaluate("window.__sameDocument === true")
    page.context.close()


def heap_sample(cdp: Any, hours: float) -> HeapSample:
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return HeapSample(
        hours,
        metrics["JSHeapUsedSize"] / 2**20,
        int(metrics["Nodes"]),
        int(metrics["JSEventListeners"]),
    )


def slope(xs: list[float], ys: list[float]) -> float:
    return statistics.linear_regression(xs, ys).slope


def report(results: Results) -> Verdicts:
    snap = results.snapshot
    say(
        f"snapshot ({snap['bytes'] / 1024:.0f} KiB, {AGENTS} agents): handler "
        f"{snap['handler']:.1f} ms, +layout {snap['layout']:.1f} ms on first render; "
        f"{snap['resync']:.1f} ms +layout again on a resync (tiles exist)"
    )
    say(f"deltas: {Spread.of(results.delta_bytes).text('bytes', 0)}")
    handler, layout = Spread.of(results.handler_ms), Spread.of(results.layout_ms)
    say(f"delta apply, handler:  {handler.text('ms', 2)}")
    say(f"delta apply, +layout:  {layout.text('ms', 2)}")
    heap = results.heap
    hours = [s.hours for s in heap]
    growth = slope(hours, [s.heap_mb for s in heap]) * hours[-1]
    say("heap over the accelerated run (simulated hours: heap MB, DOM nodes, listeners):")
    for sample in heap:
        say(
            f"  {sample.hours:.2f} h: {sample.heap_mb:.2f} MB, {sample.nodes} nodes, "
            f"{sample.listeners} listeners"
        )
    node_growth = slope(hours, [float(s.nodes) for s in heap]) * hours[-1]
    half = len(heap) // 2
    late = slope(hours[half:], [s.heap_mb for s in heap[half:]]) * 1024
    say(
        f"  least-squares growth over {hours[-1]:.2f} simulated h: heap {growth:+.2f} MB "
        f"({growth / hours[-1] * 1024:+.0f} KB/h; second half alone {late:+.0f} KB/h), "
        f"DOM nodes {node_growth:+.0f}; page reloaded: {results.reloaded}"
    )
    verdicts = Verdicts()
    verdicts.check(
        layout.p95 < TARGET_APPLY_MS,
        f"delta applied and laid out on a {AGENTS}-agent board: p95 {layout.p95:.2f} ms "
        f"< {TARGET_APPLY_MS:.0f} ms",
    )
    verdicts.check(
        abs(growth) <= FLAT_HEAP_MB and not results.reloaded,
        f"JS heap flat over {hours[-1]:.1f} simulated hours: {growth:+.2f} MB "
        f"(|growth| <= {FLAT_HEAP_MB:.0f} MB), same page throughout",
    )
    return verdicts


def run(stack: Stack, repeat: int) -> bool:
    heading(NAME, f"{AGENTS}-agent board in Chromium: delta apply time, JS heap over time")
    say(__doc__.split("\n\n", 1)[1].strip())
    token = env.tv_token()
    results = Results()
    with chromium.browser() as browser, board_server(stack) as url:
        say(f"browser: {chromium.version(browser)}; measured at {load()}")
        for _ in range(repeat):
            delta_phase(browser, url, token, results)
        heap_phase(browser, url, token, results)
    say(f"finished at {load()}")
    verdicts = report(results)
    verdicts.print()
    return verdicts.all_passed
