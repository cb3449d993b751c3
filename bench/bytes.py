"""bytes: what a 300-agent board costs on the wire, snapshot against typical deltas.

Method: the simulated call centre (300 agents, 30 queues) is polled every 2 s of its clock for
one simulated minute (30 polls) through the real commit path (services.commit_snapshot: store,
diff, publish). A board socket is opened in-process on wallboard.asgi:application (Channels'
WebsocketCommunicator, the real consumer and channel layer) after the first poll; its snapshot
and every delta it receives are measured as sent: UTF-8 bytes of the text frame. The full
snapshot is requested again (resync) at the end of the minute. Repeated with different seeds.
Sizes compressed with raw deflate per message (permessage-deflate without context takeover,
which Chromium offers; whether the server accepts it is the server's business) are shown too.
"""

from __future__ import annotations

import asyncio
import statistics
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench.env import IDLE_VOICENTER, tv_token
from bench.report import Spread, Verdicts, heading, load, over_runs, say
from bench.workload import VoicenterFeed, poll_into_store

if TYPE_CHECKING:
    from bench.env import Stack

NAME = "bytes"
SETTINGS_ENV = IDLE_VOICENTER
REPEAT = 5  # seeds
AGENTS, QUEUES = 300, 30
POLL_SECONDS = 2.0
POLLS = 30  # one simulated minute
TARGET_SHARE = 0.05


@dataclass
class Minute:
    snapshot: list[int] = field(default_factory=list)  # at connect and at the end
    deltas: list[int] = field(default_factory=list)
    snapshot_deflated: list[int] = field(default_factory=list)
    deltas_deflated: list[int] = field(default_factory=list)
    changes: list[int] = field(default_factory=list)


def deflated(text: str) -> int:
    packer = zlib.compressobj(wbits=-15)
    return len(packer.compress(text.encode()) + packer.flush(zlib.Z_SYNC_FLUSH)) - 4


async def one_minute(seed: int, token: str) -> Minute:
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from wallboard.asgi import application
    from wallboard.board import store

    store.client().flushdb()
    feed = VoicenterFeed(AGENTS, QUEUES, seed=seed)
    poll = sync_to_async(poll_into_store)
    await poll(feed, feed.now)
    socket = WebsocketCommunicator(
        application, f"/ws/boards/floor/?token={token}", headers=[(b"origin", b"http://localhost")]
    )
    connected, _ = await socket.connect()
    assert connected, "the board socket was refused"
    minute = Minute()
    try:
        record(minute, await socket.receive_from(timeout=10), snapshot=True)
        for _ in range(POLLS):
            minute.changes.append(await poll(feed, feed.now + POLL_SECONDS))
            record(minute, await socket.receive_from(timeout=10), snapshot=False)
        await socket.send_to(text_data='{"type": "resync"}')
        record(minute, await socket.receive_from(timeout=10), snapshot=True)
    finally:
        await socket.disconnect()
    return minute


def record(minute: Minute, text: str, snapshot: bool) -> None:
    assert text.startswith('{"type":"snapshot"' if snapshot else '{"type":"delta"'), text[:40]
    size, packed = len(text.encode()), deflated(text)
    if snapshot:
        minute.snapshot.append(size)
        minute.snapshot_deflated.append(packed)
    else:
        minute.deltas.append(size)
        minute.deltas_deflated.append(packed)


def run(stack: Stack, repeat: int) -> bool:
    heading(NAME, f"snapshot vs delta bytes, {AGENTS}-agent board")
    say(__doc__.split("\n\n", 1)[1].strip())
    say(f"measured at {load()}")
    token = tv_token()
    minutes = [asyncio.run(one_minute(seed, token)) for seed in range(1, repeat + 1)]
    snapshots = [statistics.fmean(m.snapshot) for m in minutes]
    deltas = [size for m in minutes for size in m.deltas]
    changes = [count for m in minutes for count in m.changes]
    snapshot = statistics.median(snapshots)
    say(f"{repeat} simulated minutes (seeds 1-{repeat}), {len(deltas)} deltas")
    say(f"full snapshot: {over_runs([s / 1024 for s in snapshots], 1)} KiB")
    say(f"delta size: {Spread.of(deltas).text('bytes', 0)}")
    say(f"entities changed per delta: {Spread.of(changes).text('', 0)}")
    typical = Spread.of(deltas).p50
    share = typical / snapshot
    say(f"typical (p50) delta / snapshot = {typical:.0f} / {snapshot:.0f} = {share:.2%}")
    say(f"p95 delta / snapshot = {Spread.of(deltas).p95 / snapshot:.2%}")
    packed_snap = statistics.median(s for m in minutes for s in m.snapshot_deflated)
    packed = [size for m in minutes for size in m.deltas_deflated]
    say(
        f"deflated: snapshot {packed_snap / 1024:.1f} KiB, "
        f"delta {Spread.of(packed).text('bytes', 0)}"
    )
    say(f"finished at {load()}")
    verdicts = Verdicts()
    verdicts.check(
        share <= TARGET_SHARE,
        f"typical delta {share:.2%} of the full snapshot <= {TARGET_SHARE:.0%}",
    )
    verdicts.print()
    return verdicts.all_passed
