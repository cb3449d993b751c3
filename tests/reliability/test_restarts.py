"""Restarts under open boards: Redis, the Celery worker, Celery beat, with the real processes.

Daphne, the worker and beat run as subprocesses against the simulator on loopback; screens are
real WebSocket clients that behave as the page does (tests/reliability/stack.py).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings as django_settings

from telephony.simulator.receivers import ReceiverServer
from telephony.simulator.server import SimulatorServer
from tests.reliability.conftest import sources_for
from tests.reliability.stack import BoardClient, Stack, free_ports, vendor_env, wait_for
from wallboard.embedded_redis import EmbeddedRedis, start
from wallboard.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)

POLL_SECONDS = 0.5


@pytest.fixture
def stack(sim: SimulatorServer, tmp_path: Path) -> Iterator[Stack]:
    env = {
        **os.environ,
        **vendor_env(sources_for(sim)),
        "WALLBOARD_DB_PATH": str(django_settings.DATABASES["default"]["NAME"]),
        "WALLBOARD_POLL_SECONDS": str(POLL_SECONDS),
        "WALLBOARD_HTTP_TIMEOUT": "1",
        "WALLBOARD_MAX_BACKOFF_SECONDS": "2",
        "WALLBOARD_BEAT_LOCK_SECONDS": "3",
    }
    stack = Stack(env, tmp_path)
    try:
        yield stack
    finally:
        stack.stop_all()


def screen(port: int, token: str) -> BoardClient:
    return BoardClient(
        f"ws://127.0.0.1:{port}/ws/boards/floor/?token={token}", origin=f"http://127.0.0.1:{port}"
    )


def polled_at(message: dict[str, Any]) -> list[float]:
    sources = message.get("changes", message.get("state", {})).get("sources", {})
    return [health["checked_at"] for health in sources.values() if health.get("checked_at")]


def test_redis_restarted_under_open_boards_the_server_and_screens_resync_by_themselves(
    stack: Stack, floor_tv_token: str
) -> None:
    redis_port, web_port = free_ports(2)
    redis: EmbeddedRedis = start(port=redis_port)
    try:
        stack.env["REDIS_URL"] = redis.url
        stack.web("web", web_port)
        stack.worker("worker", "--beat", "-s", str(stack.logs / "beat-schedule"))
        board = screen(web_port, floor_tv_token)
        try:
            wait_for(lambda: len(board.received(kind="delta")) >= 3, 30, "deltas before")

            redis.stop()  # everything goes at once: layer, state, broker, lock, heartbeats
            time.sleep(2 * POLL_SECONDS)
            redis = start(port=redis_port)  # empty: no persistence, as in production
            restarted = time.monotonic()

            # The same socket: the layer resubscribes, versions start again from 1, the screen
            # sees the gap and resyncs; no reconnect was needed.
            snapshot = wait_for(
                lambda: board.received(since=restarted, kind="snapshot"), 30, "a resync"
            )[0]
            assert board.gaps >= 1  # versions started again from 1: the screen noticed
            assert len(snapshot["state"]["agents"]) == 34  # 20 Voicenter, 8 VirtualATS, 6 Yemot
            # Following deltas again, in order (a delta published while the layer resubscribed
            # may be missed: that is one more gap and resync, as the page does).
            wait_for(lambda: board.applied_since(restarted) >= 3, 15, "deltas applied in order")
            assert board.connects == 1

            # Polls run again (worker and beat reconnected) and a new screen gets a snapshot.
            latest = max(polled_at(board.received()[-1]), default=0)
            assert latest > time.time() - 3 * POLL_SECONDS
            late = screen(web_port, floor_tv_token)
            try:
                first = wait_for(lambda: late.received(kind="snapshot"), 10, "a new screen")[0]
                assert len(first["state"]["agents"]) == 34
            finally:
                late.close()
            health = httpx.get(f"http://127.0.0.1:{web_port}/healthz", timeout=5).json()
            assert health["redis"]["ok"] is True
            assert health["celery"]["workers"]  # the heartbeat came back with the worker
            assert health["celery"]["beat"]["holder"]  # and beat holds its lock again
        finally:
            board.close()
    finally:
        stack.stop_all()
        redis.stop()


def test_worker_and_beat_restarted_poll_nothing_twice_and_lose_no_outbox_event(
    stack: Stack, sim: SimulatorServer, floor_tv_token: str
) -> None:
    with ReceiverServer() as receivers:
        stack.env.update(HELPDESK_CALLS_URL=receivers.helpdesk_url, WALLBOARD_OUTBOX_SECONDS="1")
        httpx.post(f"{sim.base_url}/_sim/unfreeze").raise_for_status()  # calls come and go
        try:
            run_restarts(stack, sim, receivers)
        finally:
            httpx.post(f"{sim.base_url}/_sim/freeze")
            stack.stop_all()


def voicenter_polls(sim: SimulatorServer) -> int:
    report = httpx.get(f"{sim.base_url}/_sim/faults").json()
    return report["requests"].get("voicenter", {}).get("GetExtensionsCalls", 0)


def count_polls(sim: SimulatorServer, during: Callable[[], object]) -> int:
    """Voicenter polls the simulator saw while `during` ran."""
    before = voicenter_polls(sim)
    during()
    return voicenter_polls(sim) - before


def run_restarts(stack: Stack, sim: SimulatorServer, receivers: ReceiverServer) -> None:
    stack.worker("worker", "--concurrency", "2")
    stack.beat("beat-1")
    stack.beat("beat-2")  # a second beat, started by mistake or as a spare
    wait_for(lambda: voicenter_polls(sim) >= 2, 30, "the first polls")

    queues = httpx.get(f"{sim.base_url}/_sim/state").json()["queues"]
    for queue in queues:  # callers to be seen arriving: "started" events for the helpdesk
        httpx.post(f"{sim.base_url}/_sim/queues/{queue['id']}/callers").raise_for_status()

    # Two beats, one worker: one poll per period, not two.
    polls = count_polls(sim, lambda: time.sleep(6 * POLL_SECONDS))
    assert polls <= 6 + 2, f"{polls} polls in 6 periods with two beats running"

    def restarts() -> None:
        stack.stop("beat-1")  # whichever held the lock, one beat is left
        stack.stop("worker")  # a clean restart: the task in hand is finished first
        stack.worker("worker-b", "--concurrency", "2")
        time.sleep(4 * POLL_SECONDS)
        stack.stop("beat-2")
        stack.beat("beat-3")
        stack.stop("worker-b", signal.SIGKILL)  # and a crash
        stack.worker("worker-c", "--concurrency", "2")
        wait_for(lambda: "ready" in stack.log("worker-c"), 30, "the new worker")

    # Polls queued while no worker ran expired: the new worker does not run them all at once.
    started = time.monotonic()
    polls = count_polls(sim, restarts)
    elapsed = time.monotonic() - started
    assert polls <= elapsed / POLL_SECONDS + 2, f"{polls} polls in {elapsed:.1f} s of restarts"
    polls = count_polls(sim, lambda: time.sleep(4 * POLL_SECONDS))
    assert 2 <= polls <= 4 + 2, f"{polls} polls in the 4 periods after the restarts"

    # Every lifecycle event recorded reaches the receiver, despite the killed worker.
    httpx.post(f"{sim.base_url}/_sim/freeze").raise_for_status()
    time.sleep(2 * POLL_SECONDS)
    OutboxEvent.objects.filter(lease_until__isnull=False).update(lease_until=None)  # 60 s, skipped
    recorded = OutboxEvent.objects.count()
    assert recorded > 0, "no call lifecycle event was recorded"
    wait_for(lambda: not OutboxEvent.objects.exclude(status="delivered").exists(), 30, "delivery")
    accepted = [r for r in receivers.requests("helpdesk") if r.status == 200]
    assert len(accepted) >= recorded  # at least once each (a repeat is the receiver's to spot)
