"""The state store in Redis: last snapshot and health per source, a version per board.

A write stores the source's new state, bumps every affected board's version and publishes each
board's delta in ONE transaction (WATCH on the versions), so deltas reach the channel layer in
version order and a snapshot read in a MULTI is exactly the state at the version it carries.
"""

from __future__ import annotations

import time
from functools import cache
from typing import TYPE_CHECKING

import msgspec
import redis
from channels.layers import get_channel_layer
from django.conf import settings

from telephony.model import Snapshot as SourceSnapshot
from telephony.model import SourceHealth
from wallboard.board.messages import (
    BoardState,
    encode_snapshot,
    group_name,
    layer_event,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from redis.asyncio import Redis as AsyncRedis

    from wallboard.board.scope import Scope

PREFIX = "wb"


def snapshot_key(source: str) -> str:
    return f"{PREFIX}:src:{source}:snapshot"


def health_key(source: str) -> str:
    return f"{PREFIX}:src:{source}:health"


# Per-source values published whole, beside the live model: today's figures, recent calls,
# the SMS ticker. Each is stored as its JSON and forwarded to browsers untouched.
EXTRAS = ("stats", "recent_calls", "sms", "series")


def extra_key(collection: str, source: str) -> str:
    return f"{PREFIX}:src:{source}:{collection}"


def version_key(slug: str) -> str:
    return f"{PREFIX}:board:{slug}:version"


@cache
def client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def load_snapshot(source: str) -> SourceSnapshot | None:
    raw = client().get(snapshot_key(source))
    return None if raw is None else msgspec.json.decode(raw, type=SourceSnapshot)


def load_health(source: str) -> SourceHealth | None:
    raw = client().get(health_key(source))
    return None if raw is None else msgspec.json.decode(raw, type=SourceHealth)


def layer_channel(slug: str) -> str:
    # RedisPubSubChannelLayer publishes a group's messages on "<prefix>__group__<group>";
    # publishing there ourselves lets the write and its deltas share one Redis transaction.
    # tests/integration guard this against a channels_redis upgrade.
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    return f"{prefix}__group__{group_name(slug)}"


def notify(slug: str, event: dict[str, str]) -> None:
    """Send one layer event to every socket of a board, from any thread (sync Redis)."""
    client().publish(layer_channel(slug), get_channel_layer().serialize(event))


def commit(
    writes: Mapping[str, bytes], boards: list[str], delta_for: Callable[[int], str]
) -> list[int]:
    """Store `writes` and publish `delta_for(version)` to each board, atomically.

    Returns the new version of each board.
    """
    serialize = get_channel_layer().serialize
    keys = [version_key(slug) for slug in boards]
    with client().pipeline() as pipe:
        while True:
            try:
                if keys:
                    pipe.watch(*keys)
                versions = [int(v or 0) for v in pipe.mget(keys)] if keys else []
                pipe.multi()
                pipe.mset(dict(writes))
                for index, (slug, key) in enumerate(zip(boards, keys, strict=True)):
                    text = delta_for(slug, versions[index] + 1)
                    if text is not None:
                        versions[index] += 1
                        pipe.set(key, versions[index])
                        pipe.publish(layer_channel(slug), serialize(layer_event(text)))
                pipe.execute()
                return versions
            except redis.WatchError:
                continue  # another writer committed to the same board first: take the next version


async def read_snapshot_text(
    redis_client: AsyncRedis, slug: str, sources: list[str], scope: Scope, page: str
) -> str:
    """The snapshot message for a board, consistent with the version it carries."""
    sources = [source for source in sources if scope.shows_source(source)]
    async with redis_client.pipeline(transaction=True) as pipe:
        pipe.get(version_key(slug))
        for source in sources:
            pipe.get(snapshot_key(source))
            pipe.get(health_key(source))
            for collection in EXTRAS:
                pipe.get(extra_key(collection, source))
        version, *blobs = await pipe.execute()
    state = scope.filter(merge_state(sources, blobs))  # type: ignore[arg-type]
    return encode_snapshot(int(version or 0), time.time(), state, page)  # type: ignore[arg-type]


def merge_state(sources: list[str], blobs: list[bytes | None]) -> BoardState:
    state: BoardState = {
        "agents": {},
        "calls": {},
        "queues": {},
        "sources": {},
        "stats": {},
        "recent_calls": {},
        "sms": {},
        "series": {},
    }
    width = 2 + len(EXTRAS)
    for index, source in enumerate(sources):
        snap_raw, health_raw, *extras = blobs[width * index : width * (index + 1)]
        if snap_raw is not None:
            snap = msgspec.json.decode(snap_raw, type=SourceSnapshot)
            state["agents"].update(snap.agents)
            state["calls"].update(snap.calls)
            state["queues"].update(snap.queues)
        state["sources"][source] = (
            msgspec.json.decode(health_raw, type=SourceHealth)
            if health_raw is not None
            else SourceHealth(source=source, ok=False, last_error="no data yet")
        )
        for collection, raw in zip(EXTRAS, extras, strict=True):
            if raw is not None:
                state[collection][source] = msgspec.Raw(raw)  # type: ignore[literal-required]
    return state
