"""Realistic input: the simulated call centre as Voicenter's wire shows it, poll after poll.

The simulator is the project's own (telephony.simulator), so changes per poll are what a real
floor of that size produces; rendering the wire is the simulator's cost, never counted as ours.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import msgspec

from telephony.model import Snapshot, SourceHealth
from telephony.simulator.callcentre import CallCentre
from telephony.simulator.voicenter_wire import extensions_calls, queues_callers
from telephony.voicenter import normalise
from telephony.voicenter_api import ExtensionsResponse, QueuesResponse

SOURCE = "voicenter"


@dataclass(frozen=True)
class Wire:
    """One poll's two HTTP bodies, as the Voicenter client receives them."""

    extensions: bytes
    queues: bytes


class VoicenterFeed:
    """A simulated Voicenter account of `agents` agents and `queues` queues."""

    def __init__(self, agents: int, queues: int, seed: int = 1, speed: float = 1.0) -> None:
        self.centre = CallCentre(agents=agents, queues=queues, seed=seed, speed=speed)
        self.now = time.time()
        self.centre.advance(self.now)  # runs the simulator's warm-up: the floor starts busy

    def step(self, seconds: float) -> Wire:
        """Let `seconds` pass (on the feed's own clock) and poll."""
        return self.at(self.now + seconds)

    def at(self, now: float) -> Wire:
        """Poll at epoch `now` (for feeds that follow the real clock)."""
        self.now = max(self.now, now)
        self.centre.advance(self.now)
        return Wire(
            msgspec.json.encode(extensions_calls(self.centre)),
            msgspec.json.encode(queues_callers(self.centre)),
        )


def decode(wire: Wire) -> tuple[ExtensionsResponse, QueuesResponse]:
    """What VoicenterClient.fetch_snapshot does with the two bodies before normalising."""
    return (
        msgspec.json.decode(wire.extensions, type=ExtensionsResponse),
        msgspec.json.decode(wire.queues, type=QueuesResponse),
    )


def to_snapshot(wire: Wire) -> Snapshot:
    extensions, queues = decode(wire)
    return normalise(extensions.EXTENSIONS or [], queues.QUEUES or [])


def healthy(now: float, latency_ms: float = 3.0) -> SourceHealth:
    return SourceHealth(
        source=SOURCE, ok=True, last_ok_at=now, latency_ms=latency_ms, checked_at=now
    )


def poll_into_store(feed: VoicenterFeed, now: float) -> int:
    """One poll through the real commit path (load old, stamp, diff, store, publish).

    Returns how many entities changed. The caller provides Django and Redis.
    """
    from wallboard.board import store
    from wallboard.board.services import commit_snapshot

    new = to_snapshot(feed.at(now))
    old = store.load_snapshot(SOURCE)
    changes = commit_snapshot(SOURCE, old, new, healthy(now), now)
    return sum(len(items) for items in changes.values())
