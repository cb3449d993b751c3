"""The real path: simulator over HTTP → Celery task → Redis → channel layer → ASGI socket."""

from __future__ import annotations

import httpx
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from telephony.simulator.server import SimulatorServer
from wallboard.asgi import application
from wallboard.board.tasks import poll_source
from wallboard.models import Board

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def open_board(token: str, slug: str = "floor") -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application, f"/ws/boards/{slug}/?token={token}", headers=[(b"origin", b"http://localhost")]
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def run_poll() -> None:
    # The real Celery task, executed in-process (apply), exactly as a worker would run it.
    result = await sync_to_async(poll_source.apply)(args=["voicenter"])
    assert result.get().startswith("ok"), result.get()


async def test_a_poll_of_the_simulator_reaches_an_open_board_as_deltas(
    simulator: SimulatorServer, floor_tv_token: str
) -> None:
    board = await open_board(floor_tv_token)
    assert (await board.receive_json_from())["version"] == 0

    await run_poll()
    first = await board.receive_json_from(timeout=5)
    assert (first["type"], first["version"]) == ("delta", 1)
    assert len(first["changes"]["agents"]) == 20
    assert len(first["changes"]["queues"]) == 4
    assert first["changes"]["sources"]["voicenter"]["ok"] is True

    agent = next(a for a in first["changes"]["agents"].values() if a["state"] == "available")
    async with httpx.AsyncClient(base_url=simulator.base_url) as control:
        reply = await control.post(f"/_sim/agents/{agent['extension']}/status", json={"status": 3})
        reply.raise_for_status()

    await run_poll()
    second = await board.receive_json_from(timeout=5)
    assert second["version"] == 2
    assert list(second["changes"]["agents"]) == [agent["id"]]
    changed = second["changes"]["agents"][agent["id"]]
    assert (changed["state"], changed["state_reason"]) == ("paused", "Lunch break")
    await board.disconnect()


async def test_a_board_opened_later_gets_the_polled_state_as_its_snapshot(
    simulator: SimulatorServer, floor_tv_token: str
) -> None:
    await run_poll()
    board = await open_board(floor_tv_token)
    snapshot = await board.receive_json_from()
    assert (snapshot["type"], snapshot["version"]) == ("snapshot", 1)
    assert len(snapshot["state"]["agents"]) == 20
    assert snapshot["state"]["sources"]["voicenter"]["last_ok_at"] is not None
    await board.disconnect()


async def test_a_simulator_that_goes_away_leaves_the_last_state_marked_stale(
    simulator: SimulatorServer, floor_tv_token: str
) -> None:
    await run_poll()
    board = await open_board(floor_tv_token)
    await board.receive_json_from()
    simulator.stop()

    result = await sync_to_async(poll_source.apply)(args=["voicenter"])
    assert result.get().startswith("failed: Voicenter GetExtensionsCalls")
    delta = await board.receive_json_from(timeout=5)
    assert list(delta["changes"]) == ["sources"]
    health = delta["changes"]["sources"]["voicenter"]
    assert health["ok"] is False and health["last_ok_at"] is not None
    await board.send_json_to({"type": "resync"})
    snapshot = await board.receive_json_from()
    assert len(snapshot["state"]["agents"]) == 20
    await board.disconnect()


async def test_each_board_receives_only_the_sources_it_shows(
    simulator: SimulatorServer, floor_tv_token: str
) -> None:
    def make_sales_board() -> str:
        board = Board.objects.create(name="Sales", slug="sales", sources=["virtualats"])
        return board.issue_tv_token()

    sales_token = await sync_to_async(make_sales_board)()
    floor = await open_board(floor_tv_token)
    sales = await open_board(sales_token, slug="sales")
    assert (await sales.receive_json_from())["state"]["sources"].keys() == {"virtualats"}
    await floor.receive_json_from()

    await run_poll()  # Voicenter
    assert (await floor.receive_json_from(timeout=5))["version"] == 1
    assert await sales.receive_nothing(timeout=0.5)

    result = await sync_to_async(poll_source.apply)(args=["virtualats"])
    assert result.get().startswith("ok")
    delta = await sales.receive_json_from(timeout=5)
    assert delta["version"] == 1  # the sales board's own count: Voicenter never touched it
    assert {key.partition(":")[0] for key in delta["changes"]["agents"]} == {"virtualats"}
    await floor.disconnect()
    await sales.disconnect()
