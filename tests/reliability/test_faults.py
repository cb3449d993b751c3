"""A vendor that misbehaves: the board keeps its last good state, shows it stale with its age and
error, recovers on the next good poll, and no other vendor waits for it.

The simulator injects the faults (telephony/simulator/faults.py) on real HTTP over loopback;
polls are the real service, deltas are read where open boards read them (the channel layer).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from telephony.simulator.faults import Faults, parse_spec
from telephony.simulator.server import SimulatorServer
from tests.reliability.conftest import clear_faults, set_fault
from wallboard.asgi import application
from wallboard.board import services, store

pytestmark = pytest.mark.django_db

# What each vendor's failure says on the board, after the vendor's name and method.
ERRORS = {
    "timeout": "timed out",
    "disconnect": "RemoteProtocolError: Server disconnected without sending a response",
    "status": "HTTP 503",
    "malformed": "malformed JSON",
    "truncated": "malformed JSON: Input data was truncated",
    "wrong_types": "unexpected response",
}
AUTH_ERRORS = {
    "voicenter": "Voicenter GetExtensionsCalls: ERR 1 Authorization failed",
    "virtualats": "VirtualATS account/list: HTTP 401: check the keys and this server's clock",
    "yemot": "Yemot Login: FORBIDDEN token is not valid or has expired",
}
FIRST_REQUEST = {
    "voicenter": "Voicenter GetExtensionsCalls",
    "virtualats": "VirtualATS account/list",
    "yemot": "Yemot GetQueueRealTime /1",
}
CASES = [
    (vendor, kind)
    for vendor in ("voicenter", "virtualats", "yemot")
    for kind in [*ERRORS, "auth"]
    if (vendor, kind) != ("yemot", "wrong_types")  # read leniently: see its own test
]


def poll_until_not_skipped(source: str, timeout: float = 3.0) -> str:
    """Poll as beat would, every 0.05 s, until a poll is not skipped for backoff."""
    deadline = time.monotonic() + timeout
    while (result := services.poll_source(source)).startswith("skipped"):
        assert time.monotonic() < deadline, f"{source} still backing off after {timeout} s"
        time.sleep(0.05)
    return result


@pytest.mark.parametrize(("vendor", "kind"), CASES)
def test_a_failing_vendor_keeps_its_last_good_state_marked_stale_then_recovers(
    sim: SimulatorServer, fast_polls: Any, board_deltas: Any, vendor: str, kind: str
) -> None:
    assert services.poll_source(vendor).startswith("ok")
    good = store.load_snapshot(vendor)
    good_at = store.load_health(vendor).last_ok_at
    board_deltas()

    set_fault(sim, vendor, kind, delay=2.0)
    result = poll_until_not_skipped(vendor)
    expected = AUTH_ERRORS[vendor] if kind == "auth" else f"{FIRST_REQUEST[vendor]}: {ERRORS[kind]}"
    assert result.startswith(f"failed: {expected}"), result

    # The board: one delta, about this source's health only; the agents stay as they were.
    (delta,) = board_deltas()
    assert list(delta["changes"]) == ["sources"]
    health = delta["changes"]["sources"][vendor]
    assert health["ok"] is False
    assert health["last_error"].startswith(expected)
    assert health["last_ok_at"] == good_at  # the age shown: checked_at - last_ok_at
    assert health["checked_at"] > good_at
    assert store.load_snapshot(vendor) == good

    clear_faults(sim)
    assert poll_until_not_skipped(vendor).startswith("ok")  # the next poll after the fault
    recovered = store.load_health(vendor)
    assert (recovered.ok, recovered.last_error) == (True, "")
    assert recovered.last_ok_at > good_at
    assert board_deltas()[-1]["changes"]["sources"][vendor]["ok"] is True


def test_yemot_answers_with_wrong_types_are_read_leniently_and_stay_fresh(
    sim: SimulatorServer, fast_polls: Any
) -> None:
    assert services.poll_source("yemot").startswith("ok")
    good = store.load_snapshot("yemot")
    set_fault(sim, "yemot", "wrong_types")
    assert services.poll_source("yemot").startswith("ok")
    lenient = store.load_snapshot("yemot")
    assert lenient.agents.keys() == good.agents.keys()
    assert lenient.queues.keys() == good.queues.keys()
    assert store.load_health("yemot").ok is True


def test_a_slow_vendor_stays_fresh_and_its_latency_is_what_it_took(
    sim: SimulatorServer, fast_polls: Any
) -> None:
    set_fault(sim, "virtualats", "slow", delay=0.2)
    assert services.poll_source("virtualats").startswith("ok")
    health = store.load_health("virtualats")
    assert health.ok is True
    assert health.latency_ms >= 200


def test_a_hanging_vendor_does_not_delay_the_other_vendors_polls(
    sim: SimulatorServer, fast_polls: Any, board_deltas: Any
) -> None:
    fast_polls.WALLBOARD_HTTP_TIMEOUT = 0.8
    set_fault(sim, "voicenter", "timeout", delay=3.0)
    hanging = threading.Thread(target=services.poll_source, args=["voicenter"])
    hanging.start()  # a worker process stuck on Voicenter for 0.8 s
    try:
        time.sleep(0.1)
        for source in ("virtualats", "yemot"):
            started = time.monotonic()
            assert services.poll_source(source).startswith("ok")
            assert time.monotonic() - started < 0.5, f"{source} waited for Voicenter"
        assert hanging.is_alive()  # both were on the board while Voicenter still hung
        published = {s for d in board_deltas() for s in d["changes"].get("sources", {})}
        assert published == {"virtualats", "yemot"}
    finally:
        hanging.join(timeout=5)
    assert store.load_health("voicenter").last_error == "Voicenter GetExtensionsCalls: timed out"


def test_a_hanging_virtualats_api_does_not_hold_up_its_webhook(
    sim: SimulatorServer, fast_polls: Any, client: Any, vendor_fixtures: dict[str, Any]
) -> None:
    fast_polls.WALLBOARD_HTTP_TIMEOUT = 2.5
    fast_polls.VIRTUALATS_CRM_API_KEY = "crm-key"
    event = {**vendor_fixtures["virtualats.crm_event.request"], "apiKey": "crm-key"}
    set_fault(sim, "virtualats", "timeout", delay=5)
    hanging = threading.Thread(target=services.poll_source, args=["virtualats"])
    hanging.start()
    try:
        time.sleep(0.1)
        started = time.monotonic()
        response = client.post("/hooks/virtualats/", data=event, content_type="application/json")
        waited = time.monotonic() - started
    finally:
        hanging.join(timeout=5)
    assert (response.status_code, waited < 0.5) == (200, True), (response.status_code, waited)


def test_random_faults_never_lose_the_board_and_every_poll_is_ok_or_a_clear_failure(
    sim: SimulatorServer, fast_polls: Any
) -> None:
    fast_polls.WALLBOARD_HTTP_TIMEOUT = 0.2
    assert services.poll_source("voicenter").startswith("ok")
    agents = store.load_snapshot("voicenter").agents.keys()
    set_fault(sim, "voicenter", "random", probability=0.6, delay=0.3)
    results = []
    for _ in range(30):
        store.client().delete(f"{store.PREFIX}:src:voicenter:backoff")  # poll every time
        results.append(services.poll_source("voicenter"))
        assert store.load_snapshot("voicenter").agents.keys() == agents
    assert all(r.startswith(("ok", "failed: Voicenter ")) for r in results), results
    assert any(r.startswith("ok") for r in results)
    assert any(r.startswith("failed") for r in results)
    injected = httpx.get(f"{sim.base_url}/_sim/faults").json()["injected"]["voicenter"]
    assert len(injected) >= 4  # several different kinds were drawn


def test_a_fault_for_a_count_of_requests_heals_by_itself(
    sim: SimulatorServer, fast_polls: Any
) -> None:
    def asked() -> dict[str, int]:
        return httpx.get(f"{sim.base_url}/_sim/faults").json()["requests"].get("voicenter", {})

    before = asked()
    set_fault(sim, "voicenter", "status", status=502, count=1)
    assert services.poll_source("voicenter") == "failed: Voicenter GetExtensionsCalls: HTTP 502"
    assert poll_until_not_skipped("voicenter").startswith("ok")
    assert httpx.get(f"{sim.base_url}/_sim/faults").json()["faults"] == []
    after = asked()
    assert after["GetExtensionsCalls"] - before.get("GetExtensionsCalls", 0) == 2
    assert after["GetQueuesCallers"] - before.get("GetQueuesCallers", 0) == 1


def test_a_fault_on_one_endpoint_leaves_the_others_working(
    sim: SimulatorServer, fast_polls: Any
) -> None:
    set_fault(sim, "voicenter", "truncated", endpoint="GetQueuesCallers")
    result = services.poll_source("voicenter")
    assert result.startswith("failed: Voicenter GetQueuesCallers: malformed JSON"), result


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"vendor": "mango", "kind": "status"}, '"vendor" must be one of'),
        ({"vendor": "yemot", "kind": "explode"}, '"kind" must be one of'),
        ({"vendor": "yemot", "kind": "status", "status": 42}, '"status" must be an HTTP status'),
        ({"vendor": "yemot", "kind": "slow", "delay": 1e9}, '"delay" must be between'),
        ({"vendor": "yemot", "kind": "slow", "delay": "soon"}, '"delay" must be a number'),
        ({"vendor": "yemot", "kind": "random", "probability": 2}, '"probability" must be'),
        ({"vendor": "yemot", "kind": "auth", "count": 0}, '"count" must be at least 1'),
    ],
)
def test_a_wrong_fault_is_refused_with_a_400_that_says_why(
    sim: SimulatorServer, body: dict[str, Any], error: str
) -> None:
    reply = httpx.post(f"{sim.base_url}/_sim/faults", json=body)
    assert reply.status_code == 400
    assert error in reply.json()["error"]


def test_faults_can_be_set_from_the_environment_as_a_list() -> None:
    faults = Faults(parse_spec("voicenter=status:502, yemot=random:0.25,virtualats=slow"))
    listed = {f["vendor"]: f for f in faults.report()["faults"]}
    assert (listed["voicenter"]["kind"], listed["voicenter"]["status"]) == ("status", 502)
    assert (listed["yemot"]["kind"], listed["yemot"]["probability"]) == ("random", 0.25)
    assert (listed["virtualats"]["kind"], listed["virtualats"]["delay"]) == ("slow", None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_an_open_board_sees_the_vendor_go_stale_keep_its_agents_and_come_back(
    sim: SimulatorServer, fast_polls: Any, floor_tv_token: str
) -> None:
    assert (await sync_to_async(services.poll_source)("voicenter")).startswith("ok")
    board = WebsocketCommunicator(
        application,
        f"/ws/boards/floor/?token={floor_tv_token}",
        headers=[(b"origin", b"http://localhost")],
    )
    assert (await board.connect())[0]
    first = await board.receive_json_from()
    agents = {k for k in first["state"]["agents"] if k.startswith("voicenter:")}
    assert len(agents) == 20

    await sync_to_async(set_fault)(sim, "voicenter", "status", status=500)
    await sync_to_async(services.poll_source)("voicenter")
    stale = (await board.receive_json_from(timeout=5))["changes"]["sources"]["voicenter"]
    assert (stale["ok"], stale["last_error"]) == (False, "Voicenter GetExtensionsCalls: HTTP 500")
    assert stale["checked_at"] - stale["last_ok_at"] > 0  # the age the board shows

    # A screen that joins (or resyncs) now still gets every agent, with the source stale.
    await board.send_json_to({"type": "resync"})
    again = await board.receive_json_from()
    assert {k for k in again["state"]["agents"] if k.startswith("voicenter:")} == agents
    assert again["state"]["sources"]["voicenter"]["ok"] is False

    await sync_to_async(clear_faults)(sim)
    assert (await sync_to_async(poll_until_not_skipped)("voicenter")).startswith("ok")
    fresh = (await board.receive_json_from(timeout=5))["changes"]["sources"]["voicenter"]
    assert (fresh["ok"], fresh["last_error"]) == (True, "")
    await board.disconnect()
