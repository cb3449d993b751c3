"""VirtualATS end to end over loopback: the simulator's REST API, its CRM webhook into the
real Django view, actions through the real endpoint, recordings through the proxy."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import msgspec
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from telephony.simulator.server import SimulatorServer
from tests.conftest import start_simulator
from wallboard.asgi import application
from wallboard.board import history, sources, store
from wallboard.board.tasks import poll_source
from wallboard.models import AuditEntry, Board
from wallboard.outbox.models import OutboxEvent

CRM_KEY = "crm-key-for-tests"


@pytest.fixture
def webhooked(settings: Any, live_server: Any) -> Iterator[SimulatorServer]:
    """The simulator posting its CRM events to this Django app, served on loopback."""
    settings.VIRTUALATS_CRM_API_KEY = CRM_KEY
    server = start_simulator(
        settings,
        crm_webhook_url=f"{live_server.url}/hooks/virtualats/",
        crm_api_key=CRM_KEY,
    )
    yield server
    server.stop()
    sources.client_for.cache_clear()


def sim(server: SimulatorServer, method: str, path: str, **body: Any) -> dict[str, Any]:
    response = httpx.request(method, f"{server.base_url}/_sim/virtualats{path}", json=body or None)
    response.raise_for_status()
    return response.json()


def ring_an_idle_extension(server: SimulatorServer) -> tuple[str, str]:
    """Ring the first extension free to take a call; returns (extension, vendor call id)."""
    for number in range(100, 108):
        reply = httpx.post(f"{server.base_url}/_sim/virtualats/extensions/{number}/calls")
        if reply.status_code == 200:
            return str(number), reply.json()["call_id"]
    raise AssertionError("every simulated extension is busy or offline")


async def open_board_raw(slug: str) -> WebsocketCommunicator:
    board, _ = await sync_to_async(Board.objects.get_or_create)(slug=slug, defaults={"name": slug})
    token = await sync_to_async(board.issue_tv_token)()
    communicator = WebsocketCommunicator(
        application, f"/ws/boards/{slug}/?token={token}", headers=[(b"origin", b"http://localhost")]
    )
    assert (await communicator.connect())[0]
    return communicator


async def open_board(slug: str) -> WebsocketCommunicator:
    communicator = await open_board_raw(slug)
    await communicator.receive_json_from()  # the snapshot
    return communicator


async def next_change(board: WebsocketCommunicator, collection: str, timeout: float) -> dict:
    """The next delta that touches `collection`, skipping other sources' heartbeats."""
    deadline = time.monotonic() + timeout
    while True:
        message = await board.receive_json_from(timeout=max(0.01, deadline - time.monotonic()))
        if collection in message.get("changes", {}):
            return message["changes"][collection]


def test_a_poll_with_no_board_configured_still_stores_the_state(
    simulator: SimulatorServer, transactional_db: None
) -> None:
    Board.objects.all().delete()
    assert poll_source.apply(args=["virtualats"]).get().startswith("ok")
    assert store.load_snapshot("virtualats") is not None


@pytest.mark.django_db(transaction=True)
def test_extensions_are_shown_beside_voicenter_agents_with_their_phone_registration(
    simulator: SimulatorServer,
) -> None:
    sim(simulator, "POST", "/extensions/100/status", status="ONLINE")
    sim(simulator, "POST", "/extensions/101/status", status="OFFLINE")
    assert poll_source.apply(args=["virtualats"]).get().startswith("ok")
    assert poll_source.apply(args=["voicenter"]).get().startswith("ok")
    agents = store.load_snapshot("virtualats").agents
    assert len(agents) == 8 and len(store.load_snapshot("voicenter").agents) == 20
    assert (agents["virtualats:100"].name, agents["virtualats:100"].registered) == ("Mamed", True)
    assert (agents["virtualats:101"].state, agents["virtualats:101"].registered) == (
        "offline",
        False,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_call_event_reaches_every_open_board_within_a_second(
    webhooked: SimulatorServer,
) -> None:
    await sync_to_async(poll_source.apply)(args=["virtualats"])
    boards = [await open_board("floor"), await open_board("sales")]

    started = time.monotonic()
    _, call_id = await sync_to_async(ring_an_idle_extension)(webhooked)
    for board in boards:
        calls = await next_change(board, "calls", timeout=1.0)
        assert calls[f"virtualats:{call_id}"]["status"] == "ringing"
    assert time.monotonic() - started < 1.0

    await sync_to_async(sim)(webhooked, "POST", f"/calls/{call_id}/answer")
    calls = await next_change(boards[0], "calls", timeout=1.0)
    assert calls[f"virtualats:{call_id}"]["status"] == "talking"

    await sync_to_async(sim)(webhooked, "POST", f"/calls/{call_id}/hangup")
    assert await next_change(boards[0], "calls", timeout=1.0) == {f"virtualats:{call_id}": None}
    for board in boards:
        await board.disconnect()


def live_call_ids(server: SimulatorServer) -> set[str]:
    return {call["callId"] for call in sim(server, "GET", "/state")["calls"]}


def test_click_to_call_rings_the_agent_then_hang_up_ends_it_both_audited(
    simulator: SimulatorServer, supervisor: Client
) -> None:
    poll_source.apply(args=["virtualats"])
    extension, probe = ring_an_idle_extension(simulator)
    sim(simulator, "POST", f"/calls/{probe}/hangup")  # now known to be free
    before = live_call_ids(simulator)
    response = supervisor.post(
        "/api/actions/call/",
        {"agent_id": f"virtualats:{extension}", "number": "+994 (55) 796-74-73", "board": "floor"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] and body["message"] == f"Calling 994557967473 from extension {extension}"
    call_id = body["call_id"].removeprefix("virtualats:")
    assert live_call_ids(simulator) - before == {call_id}

    response = supervisor.post(
        "/api/actions/hangup/", {"call_id": body["call_id"]}, content_type="application/json"
    )
    assert response.json()["ok"] is True
    assert call_id not in live_call_ids(simulator)
    entries = list(AuditEntry.objects.order_by("at").values_list("actor", "action", "ok"))
    assert entries == [("supervisor", "call", True), ("supervisor", "hangup", True)]
    assert call_id in AuditEntry.objects.order_by("at").first().vendor_response


def test_the_vendors_refusal_is_shown_to_the_supervisor_and_audited(
    simulator: SimulatorServer, supervisor: Client
) -> None:
    response = supervisor.post(
        "/api/actions/hangup/",
        {"call_id": "virtualats:00000000000000000000000000000000"},
        content_type="application/json",
    )
    assert response.status_code == 502
    assert response.json()["message"] == "VirtualATS call/hangup: HTTP 404"
    assert AuditEntry.objects.get().ok is False


def test_a_number_that_cannot_be_a_phone_number_never_leaves(
    simulator: SimulatorServer, supervisor: Client
) -> None:
    poll_source.apply(args=["virtualats"])
    before = live_call_ids(simulator)
    response = supervisor.post(
        "/api/actions/call/",
        {"agent_id": "virtualats:103", "number": "call me maybe"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("'number': ")
    assert live_call_ids(simulator) == before


def a_recording_id() -> str:
    client = sources.client_for("virtualats")
    now = datetime.now(ZoneInfo("Asia/Baku"))
    calls = client.history(now - timedelta(hours=1), now)
    return next(client.recording_id(c.recording_url) for c in calls if c.recording_url)


def test_a_supervisor_streams_a_recording_through_the_server(
    simulator: SimulatorServer, supervisor: Client
) -> None:
    file_id = a_recording_id()
    response = supervisor.get(f"/recordings/virtualats/{file_id}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    audio = b"".join(response.streaming_content)
    assert audio.startswith(b"RIFF")
    assert b"sim-secret" not in audio and "vats-authentication" not in str(response.headers)


def test_recordings_are_for_logged_in_supervisors_only(
    simulator: SimulatorServer, transactional_db: None, client: Client
) -> None:
    file_id = a_recording_id()
    response = client.get(f"/recordings/virtualats/{file_id}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    token = Board.objects.get_or_create(slug="floor", defaults={"name": "F"})[0].issue_tv_token()
    assert client.get(f"/recordings/virtualats/{file_id}/?token={token}").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_todays_stats_come_from_history_and_survive_losing_redis(
    simulator: SimulatorServer,
) -> None:
    stats = history.refresh_stats("virtualats")
    assert stats.offered > 0
    assert stats.answered + stats.missed == stats.offered
    assert msgspec.json.decode(store.client().get(store.extra_key("stats", "virtualats"))) == (
        msgspec.to_builtins(stats)
    )
    store.client().flushdb()
    assert history.refresh_stats("virtualats") == stats


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_board_opened_later_gets_todays_stats_and_recent_calls_in_its_snapshot(
    simulator: SimulatorServer,
) -> None:
    stats = await sync_to_async(history.refresh_stats)("virtualats")
    board = await open_board_raw("floor")
    state = (await board.receive_json_from())["state"]
    assert state["stats"]["virtualats"] == msgspec.to_builtins(stats)
    recent = state["recent_calls"]["virtualats"]
    assert 0 < len(recent) <= 8
    assert recent == sorted(recent, key=lambda c: c["started_at"], reverse=True)
    with_recording = [c for c in recent if c["recording_path"]]
    assert with_recording and with_recording[0]["recording_path"].startswith(
        "/recordings/virtualats/"
    )
    await board.disconnect()


@pytest.mark.django_db(transaction=True)
def test_the_figures_start_again_at_midnight_in_wallboard_time_zone_and_name_it(
    simulator: SimulatorServer, settings: Any
) -> None:
    settings.WALLBOARD_TIME_ZONE = "Asia/Baku"
    zone = ZoneInfo("Asia/Baku")
    today = history.refresh_stats("virtualats")
    assert today.offered > 0
    assert today.time_zone == "Asia/Baku"  # boards in another zone say whose day it is
    tomorrow = datetime.now(zone).replace(hour=0, minute=0, second=5) + timedelta(days=1)
    after_midnight = history.refresh_stats("virtualats", now=tomorrow.timestamp())
    assert (after_midnight.day, after_midnight.offered) == (tomorrow.date().isoformat(), 0)


@pytest.mark.django_db(transaction=True)
def test_a_recording_found_later_is_queued_for_mango_for_calls_it_was_told_of(
    simulator: SimulatorServer, settings: Any
) -> None:
    settings.WALLBOARD_SINKS = {"mango": {"token": "t", "widget_id": "1", "base_url": "http://x"}}
    client = sources.client_for("virtualats")
    now = datetime.now(ZoneInfo("Asia/Baku"))
    recorded = [c for c in client.history(now - timedelta(hours=1), now) if c.recording_url]
    told, untold = recorded[0], recorded[1]
    OutboxEvent.objects.create(
        sink="mango", key=f"mango:{told.id}:ended", call_id=told.id, kind="ended", payload={}
    )
    history.refresh_stats("virtualats")
    [queued] = OutboxEvent.objects.filter(kind="recording")
    assert queued.call_id == told.id and queued.payload["recording_url"] == told.recording_url
    assert not OutboxEvent.objects.filter(call_id=untold.id).exists()
