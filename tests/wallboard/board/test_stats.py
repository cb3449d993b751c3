from __future__ import annotations

from telephony.model import FinishedCall
from wallboard.board.stats import day_stats


def call(
    n: int, disposition: str = "answered", wait: float = 10, talk: float = 60, direction="inbound"
):
    return FinishedCall(
        id=f"virtualats:{n}",
        source="virtualats",
        direction=direction,
        disposition=disposition,
        started_at=1_700_000_000 + n,
        wait_seconds=wait,
        talk_seconds=talk,
    )


def test_an_empty_day_has_counts_and_no_averages() -> None:
    stats = day_stats("2026-11-24", [], threshold=20)
    assert (stats.offered, stats.answered, stats.missed) == (0, 0, 0)
    assert stats.service_level_pct is None and stats.asa_seconds is None


def test_the_days_figures_follow_their_named_formulas() -> None:
    calls = [
        call(1, wait=5, talk=100),
        call(2, wait=20, talk=200),  # exactly at the threshold counts as in time
        call(3, wait=45, talk=300),
        call(4, "missed", wait=70, talk=0),
        call(5, "busy", wait=0, talk=0),
        call(6, direction="outbound", wait=3, talk=30),
    ]
    stats = day_stats("2026-11-24", iter(calls), threshold=20)
    assert (stats.offered, stats.answered, stats.missed, stats.outbound) == (5, 3, 2, 1)
    assert stats.abandon_pct == 40.0
    assert stats.service_level_pct == 40.0  # 2 in time of 5 offered
    assert stats.asa_seconds == round((5 + 20 + 45) / 3, 1)
    assert stats.aht_seconds == 200.0
    assert stats.service_level_formula.startswith("answered within 20 s ÷ offered")
