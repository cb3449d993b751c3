"""Today's call statistics from finished calls: pure arithmetic, named formulas."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from collections.abc import Iterable

    from telephony.model import FinishedCall


class DayStats(msgspec.Struct, kw_only=True):
    day: str  # YYYY-MM-DD in time_zone
    time_zone: str = ""  # whose midnight starts the day (WALLBOARD_TIME_ZONE)
    offered: int
    answered: int
    missed: int
    abandon_pct: float | None
    service_level_pct: float | None
    service_level_seconds: int
    service_level_formula: str
    asa_seconds: float | None  # average speed of answer
    aht_seconds: float | None  # average handle time (talk; the vendor reports no wrap-up)
    outbound: int


def formula(threshold: int) -> str:
    return f"answered within {threshold} s ÷ offered (inbound, abandoned included)"


def day_stats(
    day: str, calls: Iterable[FinishedCall], threshold: int, time_zone: str = ""
) -> DayStats:
    calls = list(calls)
    inbound = [c for c in calls if c.direction == "inbound"]
    answered = [c for c in inbound if c.disposition == "answered"]
    offered = len(inbound)
    # Busy and failed calls were offered and not answered: they count against the centre.
    missed = offered - len(answered)
    in_time = sum(1 for c in answered if c.wait_seconds <= threshold)
    return DayStats(
        day=day,
        time_zone=time_zone,
        offered=offered,
        answered=len(answered),
        missed=missed,
        abandon_pct=percent(missed, offered),
        service_level_pct=percent(in_time, offered),
        service_level_seconds=threshold,
        service_level_formula=formula(threshold),
        asa_seconds=average(c.wait_seconds for c in answered),
        aht_seconds=average(c.talk_seconds for c in answered),
        outbound=len(calls) - offered,
    )


def percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


def average(values: Iterable[float]) -> float | None:
    items = list(values)
    return None if not items else round(sum(items) / len(items), 1)
