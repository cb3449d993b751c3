"""Several web processes on one Redis, and a vendor that hangs, with the real processes.

Two Daphne processes and one Celery worker (with beat) share the test's Redis and database and
poll the simulator every 0.5 s; screens are real WebSocket clients (tests/reliability/stack.py).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from django.conf import settings as django_settings

from telephony.simulator.server import SimulatorServer
from tests.reliability.conftest import clear_faults, set_fault, sources_for
from tests.reliability.stack import (
    BoardClient,
    Stack,
    free_ports,
    vendor_env,
    wait_for,
    wait_for_port,
)

pytestmark = pytest.mark.django_db(transaction=True)

POLL_SECONDS = 0.5
CRM_KEY = "scale-out-crm-key"


@dataclass
class Deployment:
    stack: Stack
    ports: list[int]
    simulator: SimulatorServer

    def screen(self, port: int, token: str) -> BoardClient:
        return BoardClient(
            f"ws://127.0.0.1:{port}/ws/boards/floor/?token={token}",
            origin=f"http://127.0.0.1:{port}",
        )


@pytest.fixture(scope="module")
def deployment(
    shared_simulator: SimulatorServer,
    django_db_setup: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Deployment]:
    """Two web processes and one worker (prefork, two processes) with beat, JSON logs."""
    env = {
        **os.environ,
        **vendor_env(sources_for(shared_simulator)),
        "WALLBOARD_DB_PATH": str(django_settings.DATABASES["default"]["NAME"]),
        "WALLBOARD_POLL_SECONDS": str(POLL_SECONDS),
        "WALLBOARD_HTTP_TIMEOUT": "1",
        "WALLBOARD_MAX_BACKOFF_SECONDS": "2",
        "VIRTUALATS_CRM_API_KEY": CRM_KEY,
        "WALLBOARD_LOG_FORMAT": "json",
    }
    stack = Stack(env, tmp_path_factory.mktemp("scale-out"))
    ports = free_ports(2)
    try:
        for index, port in enumerate(ports):
            stack.web(f"web-{index + 1}", port, wait=False)
        stack.worker("worker", "--concurrency", "2", "--beat", "-s", str(stack.logs / "beat"))
        for index, port in enumerate(ports):
            wait_for_port(port, [stack.processes[f"web-{index + 1}"]])
        yield Deployment(stack, ports, shared_simulator)
    finally:
        stack.stop_all()


def crm_event(state: str, call_id: str) -> dict[str, Any]:
    return {
        "apiKey": CRM_KEY,
        "callId": call_id,
        "state": state,
        "direction": "INBOUND",
        "source": "994501234567",
        "destination": "994124000000",
        "answeredNumber": "100" if state != "NEW" else "",
    }


def deltas_by_version(screen: BoardClient) -> dict[int, Any]:
    return {m["version"]: m["changes"] for m in screen.received(kind="delta")}


def test_two_web_processes_on_one_redis_show_their_screens_every_update(
    deployment: Deployment, floor_tv_token: str
) -> None:
    clear_faults(deployment.simulator)
    first, second = (deployment.screen(port, floor_tv_token) for port in deployment.ports)
    try:
        for screen in (first, second):
            wait_for(lambda s=screen: s.received(kind="snapshot"), 15, "the first snapshot")
        # Webhook events through either web process, beside the polls.
        calls = [uuid.uuid4().hex for _ in range(3)]
        for index, call_id in enumerate(calls):
            for state in ("NEW", "UPDATE", "HANGUP"):
                port = deployment.ports[index % 2]
                reply = httpx.post(
                    f"http://127.0.0.1:{port}/hooks/virtualats/", json=crm_event(state, call_id)
                )
                assert reply.status_code == 200, reply.text
        time.sleep(4 * POLL_SECONDS)

        # Both screens followed every version in order, and saw the same changes.
        assert (first.gaps, second.gaps, first.connects, second.connects) == (0, 0, 1, 1)
        a, b = deltas_by_version(first), deltas_by_version(second)
        common = set(a) & set(b)
        assert len(common) >= 10
        assert all(a[version] == b[version] for version in common)
        start = max(m["version"] for s in (first, second) for m in s.received(kind="snapshot"))
        end = min(max(a), max(b))
        assert set(range(start + 1, end + 1)) <= common  # nothing missing on either
        for screen in (a, b):
            seen = {cid for changes in screen.values() for cid in changes.get("calls", {})}
            assert {f"virtualats:{call_id}" for call_id in calls} <= seen

        # Each process counts its own screen; either process reports both.
        def boards() -> float:
            text = httpx.get(f"http://127.0.0.1:{deployment.ports[0]}/metrics").text
            line = next(x for x in text.splitlines() if x.startswith("wallboard_connected_boards "))
            return float(line.split()[1])

        wait_for(lambda: boards() == 2, 10, "both screens counted")
    finally:
        first.close()
        second.close()

    # WALLBOARD_LOG_FORMAT=json: the worker's log records are one JSON object per line.
    records = [
        json.loads(line)
        for line in deployment.stack.log("worker").splitlines()
        if line.startswith("{")
    ]
    assert any(r["logger"] == "wallboard.beat_lock" for r in records)
    assert all({"time", "level", "logger", "message"} <= r.keys() for r in records)


def health_times(screen: BoardClient, source: str) -> list[float]:
    times = []
    for message in screen.received(kind="delta"):
        health = message["changes"].get("sources", {}).get(source)
        if health is not None:
            times.append(health["checked_at"])
    return times


def test_a_hanging_vendor_delays_no_other_vendors_updates_on_a_live_board(
    deployment: Deployment, floor_tv_token: str
) -> None:
    screen = deployment.screen(deployment.ports[1], floor_tv_token)
    try:
        wait_for(lambda: health_ok(screen, "voicenter"), 15, "Voicenter polled")
        set_fault(deployment.simulator, "voicenter", "timeout", delay=5)
        faulted = time.time()
        time.sleep(8 * POLL_SECONDS)

        stale = wait_for(
            lambda: [
                h
                for m in screen.received(kind="delta")
                if (h := m["changes"].get("sources", {}).get("voicenter")) and not h["ok"]
            ],
            10,
            "Voicenter shown stale",
        )[-1]
        assert stale["last_error"] == "Voicenter GetExtensionsCalls: timed out"
        assert stale["last_ok_at"] < faulted
        for source in ("virtualats", "yemot"):
            times = [t for t in health_times(screen, source) if t > faulted]
            gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
            assert len(times) >= 5, f"{source}: {len(times)} updates in 8 periods"
            assert max(gaps) < 3 * POLL_SECONDS, f"{source} waited: gaps {gaps}"

        # A screen opened now still gets Voicenter's agents; the next good poll brings it back.
        late = deployment.screen(deployment.ports[0], floor_tv_token)
        try:
            state = wait_for(lambda: late.received(kind="snapshot"), 10, "a snapshot")[0]["state"]
        finally:
            late.close()
        assert sum(k.startswith("voicenter:") for k in state["agents"]) == 20
        assert state["sources"]["voicenter"]["ok"] is False
        clear_faults(deployment.simulator)
        cleared = time.time()
        wait_for(
            lambda: (
                any(t > cleared for t in health_times(screen, "voicenter"))
                and health_ok(screen, "voicenter")
            ),
            10,
            "Voicenter back",
        )
    finally:
        clear_faults(deployment.simulator)
        screen.close()


def health_ok(screen: BoardClient, source: str) -> bool:
    for message in reversed(screen.received(kind="delta")):
        health = message["changes"].get("sources", {}).get(source)
        if health is not None:
            return bool(health["ok"])
    return False
