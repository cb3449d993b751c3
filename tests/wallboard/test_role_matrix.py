"""Who may do what: every action endpoint and the board socket, for every kind of visitor."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from tests.accounts import signed_in
from wallboard.actions.specs import ACTIONS
from wallboard.asgi import application
from wallboard.models import AuditEntry, Board

pytestmark = pytest.mark.django_db(transaction=True)

VISITORS = ["anonymous", "floor_token", "other_boards_token", "viewer", "supervisor"]
# What each visitor gets from an action POST (with a valid CSRF token) and from the socket.
EXPECTED = {
    "anonymous": (401, False),
    "floor_token": (401, True),  # a TV: watches, never acts
    "other_boards_token": (401, False),
    "viewer": (403, True),
    "supervisor": (400, True),  # allowed through; the empty body is then refused as invalid
}


@pytest.fixture
def boards(settings: Any) -> dict[str, str]:
    settings.WALLBOARD_SOURCES = {"voicenter": {"code": "c", "base_url": "http://unused"}}
    floor, _ = Board.objects.get_or_create(slug="floor", defaults={"name": "Floor"})
    other = Board.objects.create(name="Sales", slug="sales")
    return {"floor_token": floor.issue_tv_token(), "other_boards_token": other.issue_tv_token()}


def visitor_client(visitor: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    codenames = {"viewer": ["view_board"], "supervisor": ["view_board", "act"]}.get(visitor)
    if codenames is not None:
        signed_in(visitor, *codenames, client=client)
    return client


def post_action(client: Client, name: str, token: str | None) -> int:
    page = client.get("/accounts/login/")  # any page that sets the CSRF cookie
    csrf = page.cookies["csrftoken"].value
    path = f"/api/actions/{name}/" + (f"?token={token}" if token else "")
    response = client.post(
        path, data=json.dumps({}), content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    return response.status_code


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_endpoint_lets_only_supervisors_act(
    boards: dict[str, str], visitor: str, action: str
) -> None:
    client = visitor_client(visitor)
    assert post_action(client, action, boards.get(visitor)) == EXPECTED[visitor][0]


def test_refused_and_invalid_attempts_by_logged_in_users_are_audited(boards) -> None:
    for visitor in ("viewer", "supervisor"):
        post_action(visitor_client(visitor), "kick", None)
    assert sorted(AuditEntry.objects.values_list("actor", "ok")) == [
        ("supervisor", False),
        ("viewer", False),
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize("visitor", VISITORS)
async def test_the_floor_socket_opens_only_for_its_viewers(
    boards: dict[str, str], visitor: str
) -> None:
    client = await sync_to_async(visitor_client)(visitor)
    token = boards.get(visitor)
    headers = [(b"origin", b"http://localhost")]
    if "sessionid" in client.cookies:
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    path = "/ws/boards/floor/" + (f"?token={token}" if token else "")
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected is EXPECTED[visitor][1]
    if connected:
        assert (await communicator.receive_json_from())["type"] == "snapshot"
        await communicator.disconnect()
