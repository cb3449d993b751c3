"""The Celery app; beat's schedule is data built from the active sources."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wallboard.settings")

app = Celery("wallboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["wallboard.board", "wallboard.outbox"])


@app.on_after_finalize.connect
def _install_beat_schedule(sender: Celery, **_: object) -> None:
    from wallboard.board.schedule import beat_schedule

    sender.conf.beat_schedule = beat_schedule()


@worker_ready.connect
def _refresh_stats_at_start(sender: object, **_: object) -> None:
    # Beat's first interval tick is a full period away: fill today's figures now.
    from wallboard.board.schedule import beat_schedule

    for entry in beat_schedule().values():
        if entry["task"] == "wallboard.refresh_stats":
            app.send_task(entry["task"], args=entry["args"], **entry["options"])
