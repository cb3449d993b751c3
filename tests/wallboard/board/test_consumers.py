from __future__ import annotations

import json

import msgspec
import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from telephony.model import Agent, Snapshot, SourceHealth
from tests.accounts import signed_in
from wallboard.asgi import application
from wallboard.board import services
from wallboard.board.consumers import CLOSE_FORBIDDEN
from wallboard.models import Board

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

LOCAL_ORIGIN = [(b"origin", b"http://localhost")]


@pytest.fixture
def tv_token(settings) -> str:
    settings.WALLBOARD_SOURCES = {"voicenter": {"code": "c", "base_url": "http://unused"}}
    # Transactional tests flush the data migration's board, so make it here.
    board, _ = Board.objects.get_or_create(slug="floor", defaults={"name": "Floor"})
    return board.issue_tv_token()


def seed_state() -> None:
    agent = Agent(
        id="voicenter:1", source="voicenter", extension="1", name="Dana", state="available"
    )
    snapshot = Snapshot(source="voicenter", agents={agent.id: agent})
    health = SourceHealth(source="voicenter", ok=True, last_ok_at=100.0)
    services.publish("voicenter", snapshot, health, {}, now=1.0)


async def connect(path: str, headers=LOCAL_ORIGIN) -> tuple[WebsocketCommunicator, bool, object]:
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_a_tv_token_gets_the_current_snapshot_on_connect(tv_token: str) -> None:
    await sync_to_async(seed_state)()
    communicator, connected, _ = await connect(f"/ws/boards/floor/?token={tv_token}")
    assert connected
    message = await communicator.receive_json_from()
    assert (message["type"], message["version"]) == ("snapshot", 1)
    assert message["state"]["agents"]["voicenter:1"]["name"] == "Dana"
    assert message["state"]["sources"]["voicenter"]["ok"] is True
    assert message["server_time"] > 0
    await communicator.disconnect()


async def test_a_source_never_polled_shows_as_having_no_data(tv_token: str) -> None:
    communicator, _, _ = await connect(f"/ws/boards/floor/?token={tv_token}")
    message = await communicator.receive_json_from()
    assert message["version"] == 0
    assert message["state"]["sources"]["voicenter"] == {
        "source": "voicenter",
        "ok": False,
        "last_ok_at": None,
        "last_error": "no data yet",
        "latency_ms": None,
        "checked_at": None,
    }
    await communicator.disconnect()


async def test_a_resync_request_is_answered_with_a_snapshot(tv_token: str) -> None:
    communicator, _, _ = await connect(f"/ws/boards/floor/?token={tv_token}")
    await communicator.receive_json_from()
    await sync_to_async(seed_state)()
    await communicator.receive_json_from()  # the delta of the seeding commit
    await communicator.send_json_to({"type": "resync"})
    message = await communicator.receive_json_from()
    assert (message["type"], message["version"]) == ("snapshot", 1)
    await communicator.disconnect()


async def test_a_published_delta_is_forwarded_unchanged(tv_token: str) -> None:
    communicator, _, _ = await connect(f"/ws/boards/floor/?token={tv_token}")
    await communicator.receive_json_from()
    health = SourceHealth(source="voicenter", ok=True)
    changes = {"agents": {"voicenter:1": None}}
    await sync_to_async(services.publish)("voicenter", None, health, changes, now=5.0)
    text = await communicator.receive_from()
    assert json.loads(text) == {
        "type": "delta",
        "version": 1,
        "server_time": 5.0,
        "changes": {
            "agents": {"voicenter:1": None},
            "sources": {"voicenter": msgspec.to_builtins(health)},
        },
    }
    await communicator.disconnect()


async def test_the_socket_takes_no_commands(tv_token: str) -> None:
    communicator, _, _ = await connect(f"/ws/boards/floor/?token={tv_token}")
    await communicator.receive_json_from()
    await communicator.send_json_to({"type": "kick", "call_id": "x"})
    assert await communicator.receive_json_from() == {"type": "error", "error": "unknown request"}
    await communicator.send_to(text_data="not json")
    assert (await communicator.receive_json_from())["type"] == "error"
    await communicator.disconnect()


@pytest.mark.parametrize(
    "path",
    [
        "/ws/boards/floor/",
        "/ws/boards/floor/?token=wrong",
        "/ws/boards/no-such-board/?token=wrong",
    ],
)
async def test_without_a_valid_token_or_login_the_socket_is_refused(
    tv_token: str, path: str
) -> None:
    communicator, connected, code = await connect(path)
    assert not connected
    assert code == CLOSE_FORBIDDEN


async def test_another_boards_token_does_not_open_this_board(tv_token: str) -> None:
    other = await sync_to_async(Board.objects.create)(name="Sales", slug="sales")
    other_token = await sync_to_async(other.issue_tv_token)()
    _, connected, _ = await connect(f"/ws/boards/floor/?token={other_token}")
    assert not connected


async def test_a_revoked_token_no_longer_opens_the_board(tv_token: str) -> None:
    board = await sync_to_async(Board.objects.get)(slug="floor")
    await sync_to_async(board.revoke_tv_token)()
    _, connected, _ = await connect(f"/ws/boards/floor/?token={tv_token}")
    assert not connected


async def test_a_foreign_origin_is_refused(tv_token: str) -> None:
    _, connected, _ = await connect(
        f"/ws/boards/floor/?token={tv_token}", headers=[(b"origin", b"https://evil.example")]
    )
    assert not connected


async def test_a_logged_in_user_with_view_permission_connects_by_session(tv_token: str) -> None:
    def make_session() -> str:
        return signed_in("sup", "view_board").cookies["sessionid"].value

    session = await sync_to_async(make_session)()
    headers = [*LOCAL_ORIGIN, (b"cookie", f"sessionid={session}".encode())]
    communicator, connected, _ = await connect("/ws/boards/floor/", headers=headers)
    assert connected
    assert (await communicator.receive_json_from())["type"] == "snapshot"
    await communicator.disconnect()


async def test_revoking_the_tv_token_shuts_an_open_tv_out_at_once(tv_token: str) -> None:
    communicator, _, _ = await connect(f"/ws/boards/floor/?token={tv_token}")
    await communicator.receive_json_from()
    board = await sync_to_async(Board.objects.get)(slug="floor")
    await sync_to_async(board.issue_tv_token)()  # a new link: the old one stops working
    assert await communicator.receive_output(timeout=2) == {
        "type": "websocket.close",
        "code": CLOSE_FORBIDDEN,
    }


async def test_editing_the_board_sends_what_it_shows_now_with_a_new_page_version(
    tv_token: str,
) -> None:
    await sync_to_async(seed_state)()
    communicator, _, _ = await connect(f"/ws/boards/floor/?token={tv_token}")
    first = await communicator.receive_json_from()
    assert "voicenter:1" in first["state"]["agents"]

    def narrow_to_virtualats() -> None:
        board = Board.objects.get(slug="floor")
        board.sources = ["virtualats"]
        board.wait_alert_seconds = 240
        board.save()

    await sync_to_async(narrow_to_virtualats)()
    second = await communicator.receive_json_from(timeout=2)
    assert second["type"] == "snapshot"
    assert second["state"]["agents"] == {}
    assert second["code_version"] != first["code_version"]  # the TV reloads its settings
    await communicator.disconnect()
