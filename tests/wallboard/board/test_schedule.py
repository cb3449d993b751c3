from __future__ import annotations

from wallboard.board.schedule import beat_schedule


def test_each_active_source_is_polled_every_period_and_expires_before_the_next(settings) -> None:
    settings.WALLBOARD_POLL_SECONDS = 2
    settings.WALLBOARD_SOURCES = {"voicenter": {"code": "c", "base_url": "u"}}
    assert beat_schedule() == {
        "poll-voicenter": {
            "task": "wallboard.poll_source",
            "schedule": 2,
            "args": ("voicenter",),
            "options": {"expires": 1.8},
        }
    }


def test_no_vendor_configured_means_nothing_is_polled(settings) -> None:
    settings.WALLBOARD_SOURCES = {}
    assert beat_schedule() == {}
