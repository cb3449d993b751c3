"""The real VirtualATS client against the simulator over loopback HTTP, and its CRM webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from telephony.base import TelephonyError
from telephony.simulator import CallCentre, SimulatorServer
from telephony.simulator.virtualats_wire import new_centre
from telephony.virtualats import VirtualAtsClient, recording_id_from_url
from telephony.virtualats_events import api_key_matches, apply_crm_event, parse_crm_event
from tests.telephony.simulator.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def server(receiver: Receiver) -> Iterator[SimulatorServer]:
    with SimulatorServer(
        CallCentre(agents=2, queues=1),
        virtualats_centre=new_centre(extensions=8, seed=3),
        crm_webhook_url=receiver.url,
        crm_api_key="crm-key",
    ) as running:
        # The warm-up has filled the history; from now on only the tests' own calls happen.
        httpx.post(f"{running.base_url}/_sim/freeze")
        yield running


@pytest.fixture
def client(server: SimulatorServer) -> VirtualAtsClient:
    return VirtualAtsClient("sim-public", "sim-secret", f"{server.base_url}/virtualats/vats/api")


def sim(server: SimulatorServer, path: str, **body: Any) -> dict[str, Any]:
    response = httpx.post(f"{server.base_url}/_sim/virtualats/{path}", json=body)
    response.raise_for_status()
    return response.json()


def free_extension(server: SimulatorServer) -> str:
    state = httpx.get(f"{server.base_url}/_sim/virtualats/state").json()
    busy = {call["answeredNumber"] for call in state["calls"]} | {
        call["source"] for call in state["calls"]
    }
    return next(
        e["number"]
        for e in state["extensions"]
        if e["status"] == "ONLINE" and e["number"] not in busy
    )


def events_of(receiver: Receiver, call_id: str, count: int) -> list[dict[str, Any]]:
    """The next ``count`` webhook events for one call (others, from before the freeze, skipped)."""
    found: list[dict[str, Any]] = []
    while len(found) < count:
        event = receiver.next_event()
        if event["callId"] == call_id:
            found.append(event)
    return found


def test_the_client_polls_the_extensions(client):
    snapshot = client.fetch_snapshot(time.time())
    assert list(snapshot.agents)[:2] == ["virtualats:100", "virtualats:101"]
    assert [agent.name for agent in snapshot.agents.values()][:3] == [
        "Mamed",
        "Əli",
        "Leyla Həsənova",
    ]
    assert {agent.state for agent in snapshot.agents.values()} <= {"available", "offline"}
    assert snapshot.calls == {}


def test_the_client_reads_the_days_history(client):
    now = datetime.now(UTC)
    calls = client.history(now - timedelta(hours=1), now)
    assert len(calls) > 5
    assert {call.disposition for call in calls} <= {"answered", "missed", "busy", "failed"}
    assert all(
        call.id.startswith("virtualats:") and call.started_at <= now.timestamp() for call in calls
    )
    assert any(call.recording_url for call in calls)
    assert client.history(now - timedelta(hours=2), now - timedelta(hours=1)) == []


def test_the_client_downloads_a_recording(client):
    now = datetime.now(UTC)
    url = next(
        call.recording_url
        for call in client.history(now - timedelta(hours=1), now)
        if call.recording_url
    )
    with closing(client.open_recording(recording_id_from_url(url))) as response:
        assert response.headers["content-type"] == "audio/wav"
        audio = b"".join(response.iter_bytes())
    assert audio[:4] == b"RIFF" and audio[8:12] == b"WAVE"


def test_the_client_originates_a_call_then_hangs_it_up(client, server, receiver):
    extension = free_extension(server)
    started = client.originate("+994 55 796 74 73", extension)
    assert started.ok and started.message == f"Calling 994557967473 from extension {extension}"
    call_id = started.call_id.removeprefix("virtualats:")
    [new] = events_of(receiver, call_id, 1)
    assert (new["state"], new["direction"], new["source"], new["destination"]) == (
        "NEW",
        "OUTBOUND",
        extension,
        "994557967473",
    )
    ended = client.hangup(started.call_id)
    assert ended.ok and ended.call_id == started.call_id
    [hangup] = events_of(receiver, call_id, 1)
    assert hangup["state"] == "HANGUP" and hangup["disposition"] in ("BUSY", "NO_ANSWERED")
    now = datetime.now(UTC)
    history = {call.id: call for call in client.history(now - timedelta(minutes=1), now)}
    assert history[started.call_id].disposition in ("busy", "missed")
    with pytest.raises(TelephonyError, match="call/hangup: HTTP 404"):
        client.hangup(started.call_id)


def test_the_simulator_posts_new_update_hangup_for_a_call(client, server, receiver):
    extension = free_extension(server)
    call_id = sim(server, f"extensions/{extension}/calls", phone="994557967473")["call_id"]
    sim(server, f"calls/{call_id}/answer")
    sim(server, f"calls/{call_id}/hangup")
    events = [
        parse_crm_event(json.dumps(event).encode()) for event in events_of(receiver, call_id, 3)
    ]
    assert [event.state for event in events] == ["NEW", "UPDATE", "HANGUP"]
    assert all(api_key_matches(event, "crm-key") for event in events)

    snapshot, ended = client.fetch_snapshot(time.time()), set()
    for event, expected in zip(events, ("ringing", "talking", None), strict=True):
        update = apply_crm_event(snapshot, event, time.time(), ended)
        snapshot = update.snapshot
        call = snapshot.calls.get(f"virtualats:{call_id}")
        assert (call.status if call else None) == expected
    assert update.ended_call_id == f"virtualats:{call_id}"
    assert snapshot.agents[f"virtualats:{extension}"].state == "available"


def test_a_wrongly_signed_request_gets_401(server):
    url = f"{server.base_url}/virtualats/vats/api/account/list"
    token = str(int(time.time() * 1000))
    for header in (f"sim-public:{token}:{'0' * 40}", "sim-public:1:abc", None):
        headers = {"vats-authentication": header} if header else {}
        response = httpx.get(url, headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        assert response.json()["error"]
    assert httpx.get(url, headers={"vats-authentication": "sim-public:1:abc"}).json() == {
        "error": "stale token"
    }


def test_a_client_with_the_wrong_secret_fails_permanently(server):
    wrong = VirtualAtsClient("sim-public", "not-it", f"{server.base_url}/virtualats/vats/api")
    with pytest.raises(TelephonyError) as caught:
        wrong.fetch_snapshot(time.time())
    assert caught.value.permanent and "not-it" not in caught.value.message


def test_a_recording_can_be_fetched_with_the_query_parameter_instead(client, server):
    now = datetime.now(UTC)
    url = next(
        call.recording_url
        for call in client.history(now - timedelta(hours=1), now)
        if call.recording_url
    )
    file_id = recording_id_from_url(url)
    token = str(int(time.time() * 1000))
    sign = hmac.new(b"sim-secret", (token + file_id).encode(), hashlib.sha1).hexdigest()
    response = httpx.get(url, params={"vats-authentication": f"sim-public:{token}:{sign}"})
    assert response.status_code == 200 and response.content[:4] == b"RIFF"
