"""Beat's schedule as data: per active source, a live poll and (where the vendor keeps call
history) a statistics refresh, each expiring before its next tick so backlogs are dropped."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from telephony.registry import PBX_BACKENDS
from wallboard.board.sources import active_sources

SERIES_SECONDS = 60.0
SMS_SECONDS = 30.0


def beat_schedule() -> dict[str, dict[str, Any]]:
    schedule = {}
    for name in active_sources():
        schedule[f"poll-{name}"] = entry(
            "wallboard.poll_source", name, settings.WALLBOARD_POLL_SECONDS
        )
        backend = import_string(PBX_BACKENDS[name])
        if hasattr(backend, "history"):
            schedule[f"stats-{name}"] = entry(
                "wallboard.refresh_stats", name, settings.WALLBOARD_STATS_SECONDS
            )
        if hasattr(backend, "sms_log"):
            schedule[f"sms-{name}"] = entry("wallboard.refresh_sms", name, SMS_SECONDS)
    if schedule:
        schedule["series"] = {
            "task": "wallboard.sample_series",
            "schedule": SERIES_SECONDS,
            "options": {"expires": SERIES_SECONDS * 0.9},
        }
    if settings.WALLBOARD_SINKS:
        # Retries and anything a crashed worker left behind; new events are sent at once.
        schedule["outbox"] = {
            "task": "wallboard.deliver_outbox",
            "schedule": settings.WALLBOARD_OUTBOX_SECONDS,
            "options": {"expires": settings.WALLBOARD_OUTBOX_SECONDS * 0.9},
        }
    return schedule


def entry(task: str, source: str, period: float) -> dict[str, Any]:
    # A task still queued when the next one is due is worthless: drop it rather than pile up.
    return {
        "task": task,
        "schedule": period,
        "args": (source,),
        "options": {"expires": period * 0.9},
    }
