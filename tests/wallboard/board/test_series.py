from __future__ import annotations

import msgspec
import pytest

from telephony.model import Queue, Snapshot, WaitingCaller
from wallboard.board import series, store

pytestmark = pytest.mark.django_db


def test_each_minute_adds_a_point_and_an_hour_is_kept(settings) -> None:
    settings.WALLBOARD_SOURCES = {"voicenter": {}}
    waiting = [WaitingCaller(call_id=f"voicenter:{n}", phone="050", joined_at=0) for n in range(3)]
    queue = Queue(id="voicenter:1", source="voicenter", name="Sales", waiting=waiting)
    store.client().set(
        store.snapshot_key("voicenter"),
        msgspec.json.encode(Snapshot(source="voicenter", queues={queue.id: queue})),
    )
    store.client().set(
        store.extra_key("stats", "voicenter"), msgspec.json.encode({"service_level_pct": 87.5})
    )
    for minute in range(65):
        points = series.sample("voicenter", now=1_000_000 + 60 * minute)
    assert len(points) == 60
    assert points[-1] == [1_000_000 + 60 * 64, 3, 87.5]
    assert points[0][0] == 1_000_000 + 60 * 5
    published = msgspec.json.decode(store.client().get(store.extra_key("series", "voicenter")))
    assert published == points
