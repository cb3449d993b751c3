"""Poll latency and outcomes, recorded by whichever worker polls; rendered for Prometheus."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

import redis

from wallboard.board import store
from wallboard.health import keys

if TYPE_CHECKING:
    from collections.abc import Iterable

log = logging.getLogger(__name__)

# Seconds. Polls on loopback take milliseconds; a vendor at its timeout takes seconds.
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def bucket_of(seconds: float) -> str:
    return next((f"{bound:g}" for bound in BUCKETS if seconds <= bound), "+Inf")


def record_poll(source: str, latency_ms: float, ok: bool) -> None:
    """Count one poll and its latency. Never fails the poll: a lost sample is only a sample."""
    seconds = latency_ms / 1000
    try:
        with store.client().pipeline(transaction=False) as pipe:
            pipe.hincrby(keys.POLLS, f"{source}|{'ok' if ok else 'error'}", 1)
            pipe.hincrby(keys.poll_latency(source), bucket_of(seconds), 1)
            pipe.hincrbyfloat(keys.poll_latency(source), "sum", seconds)
            pipe.hincrby(keys.poll_latency(source), "count", 1)
            pipe.execute()
    except redis.RedisError as exc:
        log.debug("poll metrics for %s not recorded: %s", source, exc)


def poll_counts(client: redis.Redis) -> dict[tuple[str, str], int]:
    raw = client.hgetall(keys.POLLS)
    counts = {}
    for field, value in raw.items():
        source, _, result = field.decode().partition("|")
        counts[(source, result)] = int(value)
    return counts


def latency_histogram(client: redis.Redis, source: str) -> tuple[list[tuple[str, int]], float, int]:
    """Cumulative (le, count) pairs, the sum and the count, as Prometheus wants them."""
    raw = {k.decode(): v for k, v in client.hgetall(keys.poll_latency(source)).items()}
    cumulative, running = [], 0
    for label in [*(f"{b:g}" for b in BUCKETS), "+Inf"]:
        running += int(raw.get(label, 0))
        cumulative.append((label, running))
    return cumulative, float(raw.get("sum", 0)), int(raw.get("count", 0))


class Exposition:
    """Prometheus text format 0.0.4, one family at a time."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str) -> None:
        self.lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]

    def sample(self, name: str, value: float, **labels: str) -> None:
        if labels:
            inner = ",".join(f'{key}="{escape(val)}"' for key, val in labels.items())
            name = f"{name}{{{inner}}}"
        self.lines.append(f"{name} {number(value)}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def number(value: float) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


def poll_families(out: Exposition, client: redis.Redis, sources: Iterable[str]) -> None:
    sources = list(sources)
    counts = poll_counts(client)
    out.family("wallboard_polls_total", "counter", "Polls of each source, by result.")
    for source in sources:
        for result in ("ok", "error"):
            count = counts.get((source, result), 0)
            out.sample("wallboard_polls_total", count, source=source, result=result)
    out.family("wallboard_poll_errors_total", "counter", "Failed polls of each source.")
    for source in sources:
        out.sample("wallboard_poll_errors_total", counts.get((source, "error"), 0), source=source)
    out.family(
        "wallboard_poll_latency_seconds", "histogram", "Time to fetch one poll from the vendor."
    )
    for source in sources:
        buckets, total, count = latency_histogram(client, source)
        for label, running in buckets:
            out.sample("wallboard_poll_latency_seconds_bucket", running, source=source, le=label)
        out.sample("wallboard_poll_latency_seconds_sum", total, source=source)
        out.sample("wallboard_poll_latency_seconds_count", count, source=source)
