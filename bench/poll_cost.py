"""poll_cost: CPU per poll cycle (normalise + diff + publish) for 100 / 1,000 / 5,000 agents.

Method: the project's simulated call centre (queues = agents / 10) advances 2 s of its own clock
per cycle, so each cycle carries the changes a real floor of that size makes between two polls.
Its Voicenter wire bodies are rendered outside the timed region. Each cycle then runs the poll's
own steps, each timed with time.process_time (this process's CPU) and time.perf_counter (wall):

  load       GET the previous snapshot from Redis and decode it (services._poll does this)
  normalise  decode the two JSON bodies into wire structs and map them to the model
  diff       stamp state_since, diff against the previous snapshot
  publish    encode the snapshot, the per-scope delta, and one Redis MULTI that stores the
             snapshot + health, bumps the board's version and PUBLISHes the delta

These are the statements of services._poll/commit_snapshot, called one by one so each can be
timed. Publish includes the Redis round trip: its client side is in the CPU figure, Redis's own
CPU is not (it is another process), and the wait is in the wall figure. One board ("floor",
showing everything), no sinks configured, a private embedded Redis, nothing else running on it.
The process holds what a Celery worker holds (Django, the Celery app, the tasks) and, as the
worker does when it starts (wallboard/celery.py), freezes that start-up heap out of the garbage
collector; time inside the collector is measured too (gc.callbacks). Then the same runs again
with the heap unfrozen, for comparison: what each poll would cost without the freeze.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from bench.report import Spread, Verdicts, heading, load, over_runs, say
from bench.workload import SOURCE, VoicenterFeed, Wire, decode, healthy

if TYPE_CHECKING:
    from collections.abc import Iterator

    from bench.env import Stack

NAME = "poll_cost"
SIZES = (100, 1_000, 5_000)
POLL_SECONDS = 2.0
WARMUP_CYCLES = 3  # the first is the full first snapshot; the next settle caches
CYCLES = {100: 200, 1_000: 100, 5_000: 30}
REPEAT = 3
PHASES = ("load", "normalise", "diff", "publish")
TARGET_MS = 10.0  # normalise + diff + publish at 1,000 agents
LINEAR_SLACK = 1.10  # a growth exponent up to this counts as linear (timer and cache noise)


@dataclass
class CycleCosts:
    cpu_ms: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PHASES})
    wall_ms: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PHASES})
    changes: list[int] = field(default_factory=list)
    snapshot_bytes: int = 0
    gc_ms: float = 0.0  # wall time inside the garbage collector, all recorded cycles

    def target_cpu(self) -> list[float]:
        """Per cycle: normalise + diff + publish (what the target covers)."""
        steps = ("normalise", "diff", "publish")
        return [sum(c) for c in zip(*(self.cpu_ms[p] for p in steps), strict=True)]


class PhaseClock:
    """`with clock("phase"):` adds that block's CPU and wall time to the phase, when recording."""

    def __init__(self, costs: CycleCosts, record: bool) -> None:
        self.costs, self.record = costs, record

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        cpu, wall = time.process_time_ns(), time.perf_counter_ns()
        yield
        if self.record:
            self.costs.cpu_ms[phase].append((time.process_time_ns() - cpu) / 1e6)
            self.costs.wall_ms[phase].append((time.perf_counter_ns() - wall) / 1e6)


def measure(agents: int, cycles: int, seed: int) -> CycleCosts:
    from django.conf import settings

    from wallboard.board import store

    assert not settings.WALLBOARD_SINKS, "sinks would add the outbox to every poll"
    store.client().flushdb()
    polls = prerender(agents, WARMUP_CYCLES + cycles, seed)
    costs = CycleCosts()
    for now, wire in polls[:WARMUP_CYCLES]:
        costs_of_poll(now, wire, PhaseClock(costs, record=False))
    with GcClock() as collector:
        for now, wire in polls[WARMUP_CYCLES:]:
            costs.changes.append(costs_of_poll(now, wire, PhaseClock(costs, record=True)))
    costs.gc_ms = collector.ms
    costs.snapshot_bytes = len(store.client().get(store.snapshot_key(SOURCE)) or b"")
    return costs


def costs_of_poll(now: float, wire: Wire, clock: PhaseClock) -> int:
    """services._poll + commit_snapshot, step by step; returns how many entities changed."""
    from telephony.voicenter import normalise
    from wallboard.board import services, store
    from wallboard.board.diff import diff_snapshots, stamp_state_since

    with clock("load"):
        old = store.load_snapshot(SOURCE)
    with clock("normalise"):
        extensions, queues = decode(wire)
        new = normalise(extensions.EXTENSIONS or [], queues.QUEUES or [])
    with clock("diff"):
        stamp_state_since(old, new, now)
        changes = diff_snapshots(old, new)
    with clock("publish"):
        services.publish(SOURCE, new, healthy(now), changes, now)
    return sum(len(items) for items in changes.values())


class GcClock:
    """Time spent in the cyclic garbage collector while active (gc.callbacks)."""

    def __init__(self) -> None:
        self.ms = 0.0
        self._started = 0.0
        self.active = False

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if not self.active:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.ms += (time.perf_counter() - self._started) * 1000

    def __enter__(self) -> GcClock:
        self.active = True
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self.active = False
        gc.callbacks.remove(self)


def prerender(agents: int, cycles: int, seed: int) -> list[tuple[float, Wire]]:
    """Every poll's wire bodies, made before timing starts; then the simulator is dropped, so
    the garbage collector walks only what a poller's process would hold (the simulator's
    objects live in another process in production)."""
    feed = VoicenterFeed(agents, max(1, agents // 10), seed=seed)
    polls = [(feed.now, feed.step(POLL_SECONDS)) for _ in range(cycles)]
    polls = [(now + POLL_SECONDS, wire) for now, wire in polls]
    del feed
    gc.collect()
    return polls


def exponent(small: tuple[int, float], large: tuple[int, float]) -> float:
    """How cost grows with size: 1.0 is linear, below is better than linear."""
    return math.log(large[1] / small[1]) / math.log(large[0] / small[0])


def report_size(agents: int, runs: list[CycleCosts]) -> float:
    """Print one size's figures; return its median mean-CPU per cycle (normalise+diff+publish)."""
    first = runs[0]
    cycles = len(first.changes)
    say(
        f"{agents} agents, {max(1, agents // 10)} queues: {cycles} cycles x {len(runs)} runs; "
        f"{statistics.fmean(first.changes):.1f} entities changed per cycle "
        f"(max {max(first.changes)}); stored snapshot {first.snapshot_bytes / 1024:.0f} KiB"
    )
    gcs = [r.gc_ms / cycles for r in runs]
    say(f"  garbage collection (inside the phases below): {over_runs(gcs, 3)} ms per cycle")
    for phase in PHASES:
        means = [statistics.fmean(r.cpu_ms[phase]) for r in runs]
        walls = [statistics.fmean(r.wall_ms[phase]) for r in runs]
        p95 = Spread.of(first.cpu_ms[phase]).p95
        say(
            f"  {phase:<9} CPU mean {over_runs(means, 3)} ms, p95 {p95:.3f} ms; "
            f"wall mean {over_runs(walls, 3)} ms"
        )
    totals = [statistics.fmean(r.target_cpu()) for r in runs]
    spread = Spread.of(first.target_cpu())
    say(f"  normalise+diff+publish CPU per cycle: mean {over_runs(totals, 3)} ms")
    say(f"    per cycle (first run): {spread.text('ms', 3)}")
    per_agent = statistics.median(totals) / agents * 1000
    say(f"    {per_agent:.2f} us CPU per agent per cycle")
    return statistics.median(totals)


def run(stack: Stack, repeat: int) -> bool:
    heading(NAME, "CPU per poll cycle: normalise + diff + publish, by floor size")
    say(__doc__.split("\n\n", 1)[1].strip())
    # The heap of a Celery worker: Django set up, the Celery app and the tasks loaded. Its size
    # is what every full garbage collection walks.
    import wallboard.board.tasks  # noqa: F401
    import wallboard.celery

    say(f"measured at {load()}")
    say("-- as the worker runs: start-up heap frozen (wallboard.celery.freeze_startup_heap):")
    wallboard.celery.freeze_startup_heap()
    try:
        medians = {agents: sizes_run(agents, repeat, report=True) for agents in SIZES}
    finally:
        gc.unfreeze()
    say("-- for comparison, the heap not frozen (every full collection walks Django and Celery):")
    unfrozen = {agents: sizes_run(agents, repeat, report=False) for agents in SIZES}
    say(f"finished at {load()}")
    growth = [(a, b, exponent((a, medians[a]), (b, medians[b]))) for a, b in pairwise(SIZES)]
    for a, b, k in growth:
        say(f"growth {a} -> {b} agents: cost x{medians[b] / medians[a]:.2f}, exponent {k:.2f}")
    unfrozen_growth = [exponent((a, unfrozen[a]), (b, unfrozen[b])) for a, b in pairwise(SIZES)]
    say(f"not frozen: exponents {', '.join(f'{k:.2f}' for k in unfrozen_growth)}")
    verdicts = Verdicts()
    verdicts.check(
        medians[1_000] < TARGET_MS,
        f"1,000 agents / 100 queues: {medians[1_000]:.2f} ms CPU per cycle < {TARGET_MS:.0f} ms "
        f"(not frozen: {unfrozen[1_000]:.2f} ms)",
    )
    worst = max(k for _, _, k in growth)
    verdicts.check(
        worst <= LINEAR_SLACK,
        f"cost grows linearly or better: worst exponent {worst:.2f} <= {LINEAR_SLACK} "
        f"(not frozen: {max(unfrozen_growth):.2f})",
    )
    verdicts.print()
    return verdicts.all_passed


def sizes_run(agents: int, repeat: int, report: bool) -> float:
    runs = [measure(agents, CYCLES[agents], seed=1) for _ in range(repeat)]
    if report:
        return report_size(agents, runs)
    totals = [statistics.fmean(r.target_cpu()) for r in runs]
    loads = [statistics.fmean(r.cpu_ms["load"]) for r in runs]
    gcs = [r.gc_ms / len(r.changes) for r in runs]
    say(
        f"{agents} agents: normalise+diff+publish CPU mean {over_runs(totals, 2)} ms per cycle "
        f"(p95 {Spread.of(runs[0].target_cpu()).p95:.2f}); load {over_runs(loads, 2)} ms; "
        f"in GC {over_runs(gcs, 2)} ms"
    )
    return statistics.median(totals)
