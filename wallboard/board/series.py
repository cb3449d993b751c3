"""The last hour of the board's pulse, one point a minute per source: [time, callers waiting,
service level %]. Kept in Redis so a TV opened now still draws the whole hour."""

from __future__ import annotations

import time

import msgspec

from wallboard.board import services, sources, store

POINTS = 60  # an hour of minutes


def sample_all(now: float | None = None) -> int:
    now = time.time() if now is None else now
    for source in sources.active_sources():
        sample(source, now)
    return len(sources.active_sources())


def sample(source: str, now: float) -> list[list[float | None]]:
    snapshot = store.load_snapshot(source)
    waiting = sum(len(q.waiting) for q in snapshot.queues.values()) if snapshot else 0
    point = [round(now), waiting, service_level(source)]
    key = store.extra_key("series-points", source)
    with store.client().pipeline() as pipe:
        pipe.rpush(key, msgspec.json.encode(point))
        pipe.ltrim(key, -POINTS, -1)
        pipe.lrange(key, 0, -1)
        points = [msgspec.json.decode(raw) for raw in pipe.execute()[-1]]
    services.publish_extras(source, {"series": points}, now)
    return points


def service_level(source: str) -> float | None:
    raw = store.client().get(store.extra_key("stats", source))
    return None if raw is None else msgspec.json.decode(raw).get("service_level_pct")
