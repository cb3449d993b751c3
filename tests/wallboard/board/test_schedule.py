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
        },
        "series": {
            "task": "wallboard.sample_series",
            "schedule": 60.0,
            "options": {"expires": 54.0},
        },
    }


def test_sources_with_call_history_refresh_todays_figures_and_sinks_get_retries(settings) -> None:
    settings.WALLBOARD_SOURCES = {"virtualats": {}}
    settings.WALLBOARD_STATS_SECONDS = 60
    settings.WALLBOARD_SINKS = {"mango": {}}
    settings.WALLBOARD_OUTBOX_SECONDS = 15
    schedule = beat_schedule()
    assert schedule["stats-virtualats"]["task"] == "wallboard.refresh_stats"
    assert schedule["stats-virtualats"]["options"] == {"expires": 54.0}
    assert schedule["outbox"]["task"] == "wallboard.deliver_outbox"


def test_no_vendor_configured_means_nothing_is_polled(settings) -> None:
    settings.WALLBOARD_SOURCES = {}
    assert beat_schedule() == {}
