"""Beat's schedule as data: one poll task per active source, expiring before the next tick."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from wallboard.board.sources import active_sources


def beat_schedule() -> dict[str, dict[str, Any]]:
    period = settings.WALLBOARD_POLL_SECONDS
    # A poll still queued when the next one is due is worthless: drop it rather than pile up.
    expires = period * 0.9
    return {
        f"poll-{name}": {
            "task": "wallboard.poll_source",
            "schedule": period,
            "args": (name,),
            "options": {"expires": expires},
        }
        for name in active_sources()
    }
