"""How every benchmark speaks: plain lines on stdout, percentiles, verdicts, the load.

Benchmarks are commands, not tests: a MISS is reported, never raised, so one slow figure does not
hide the others.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


def say(line: str = "") -> None:
    # One writer for the whole package, flushed so a piped run shows progress as it happens.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def heading(name: str, what: str) -> None:
    say()
    say(f"=== {name}: {what}")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cores)"


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: a value that was actually observed, never an interpolation."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Spread:
    """Latency-style summary of many samples."""

    count: int
    min: float
    p50: float
    p95: float
    p99: float
    max: float
    mean: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            return cls(0, math.nan, math.nan, math.nan, math.nan, math.nan, math.nan)
        return cls(
            len(values),
            min(values),
            percentile(values, 50),
            percentile(values, 95),
            percentile(values, 99),
            max(values),
            statistics.fmean(values),
        )

    def text(self, unit: str = "ms", digits: int = 1) -> str:
        f = f"{{:.{digits}f}}"
        names = ("min", "p50", "p95", "p99", "max")
        parts = [f"{name} {f.format(getattr(self, name))}" for name in names]
        return f"{', '.join(parts)}{' ' + unit if unit else ''} (n={self.count})"


def over_runs(values: Iterable[float], digits: int = 1) -> str:
    """Median of repeated runs with their range: the figure to quote, and how far to trust it."""
    runs = list(values)
    if not runs:
        return "n/a"
    f = f"{{:.{digits}f}}"
    if len(runs) == 1:
        return f.format(runs[0])
    median = f.format(statistics.median(runs))
    return f"{median} (runs {', '.join(f.format(v) for v in runs)})"


@dataclass
class Verdicts:
    """Targets met or missed, printed together at the end of a benchmark."""

    lines: list[tuple[bool, str]] = field(default_factory=list)

    def check(self, ok: bool, text: str) -> bool:
        self.lines.append((ok, text))
        return ok

    def print(self) -> None:
        say("targets:")
        for ok, text in self.lines:
            say(f"  {'PASS' if ok else 'MISS'}  {text}")

    @property
    def all_passed(self) -> bool:
        return all(ok for ok, _ in self.lines)
