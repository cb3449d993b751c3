from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from wallboard.models import AuditEntry

pytestmark = pytest.mark.django_db


def user_with(*codenames: str) -> User:
    user = User.objects.create_user(f"user-{'-'.join(codenames) or 'plain'}", password="pw")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def post(client: Client, name: str, body: Any, **extra: Any):
    return client.post(
        f"/api/actions/{name}/", data=json.dumps(body), content_type="application/json", **extra
    )


@pytest.fixture
def supervisor(client: Client, settings: Any) -> Client:
    settings.WALLBOARD_SOURCES = {
        "virtualats": {"public_key": "p", "secret_key": "s", "base_url": "x"}
    }
    client.force_login(user_with("view_board", "act"))
    return client


def test_anonymous_users_cannot_act(client: Client) -> None:
    response = post(client, "hangup", {"call_id": "virtualats:1"})
    assert response.status_code == 401
    assert response.json()["error"] == "log in to act on the board"


def test_a_viewer_without_the_act_permission_is_refused_and_audited(client: Client) -> None:
    client.force_login(user_with("view_board"))
    response = post(client, "hangup", {"call_id": "virtualats:1", "board": "floor"})
    assert response.status_code == 403
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.ok, entry.board) == (
        "user-view_board",
        "hangup",
        False,
        "floor",
    )
    assert "permission denied" in entry.message


def test_actions_need_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_with("view_board", "act"))
    assert post(client, "hangup", {"call_id": "virtualats:1"}).status_code == 403
    assert not AuditEntry.objects.exists()


def test_only_post_is_accepted(supervisor: Client) -> None:
    assert supervisor.get("/api/actions/hangup/").status_code == 405


@pytest.mark.parametrize(
    ("name", "body", "error"),
    [
        (
            "explode",
            {},
            "unknown action 'explode'; known: bridge, call, hangup, kick, pause, unpause",
        ),
        ("hangup", {}, "'call_id' is required"),
        ("hangup", {"call_id": "12345"}, "'call_id' must look like '<source>:<id>', got '12345'"),
        (
            "hangup",
            {"call_id": "nowhere:1"},
            "'call_id' names source 'nowhere', which is not configured",
        ),
        (
            "call",
            {"agent_id": "virtualats:100", "number": "050"},
            "no agent 'virtualats:100' on the board",
        ),
    ],
)
def test_bad_input_gets_a_400_that_says_what_is_wrong_and_is_audited(
    supervisor: Client, name: str, body: dict, error: str
) -> None:
    response = post(supervisor, name, body)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": error}
    assert AuditEntry.objects.get().message == f"invalid: {error}"


def test_a_body_that_is_not_a_json_object_is_refused(supervisor: Client) -> None:
    response = supervisor.post("/api/actions/hangup/", data="[1]", content_type="application/json")
    assert response.json() == {"ok": False, "error": "the JSON body must be an object"}
    response = supervisor.post("/api/actions/hangup/", data="{", content_type="application/json")
    assert response.json()["error"].startswith("malformed JSON")


@pytest.mark.parametrize(
    ("name", "body", "error"),
    [
        ("kick", {"call_id": "virtualats:1"}, "'queue_id' is required"),
        (
            "kick",
            {"queue_id": "virtualats:incoming", "call_id": "virtualats:1", "more_data": "GOTO:/9"},
            "'more_data' must be one of the configured destinations: ['GOTO:/1']",
        ),
        ("pause", {"agent_id": "virtualats:100"}, "no agent 'virtualats:100' on the board"),
        ("bridge", {"source": "virtualats", "number": "050"}, "'path' is required"),
        ("bridge", {"source": "nowhere", "path": "/1"}, "'source' 'nowhere' is not configured"),
    ],
)
def test_queue_and_agent_actions_say_what_is_wrong(
    supervisor: Client, settings: Any, name: str, body: dict, error: str
) -> None:
    settings.WALLBOARD_KICK_DESTINATIONS = [{"label": "Main menu", "value": "GOTO:/1"}]
    response = post(supervisor, name, body)
    assert (response.status_code, response.json()) == (400, {"ok": False, "error": error})


def test_an_action_the_source_cannot_do_is_refused_with_its_name(supervisor: Client) -> None:
    response = post(
        supervisor, "kick", {"queue_id": "virtualats:incoming", "call_id": "virtualats:1"}
    )
    assert response.json() == {"ok": False, "error": "virtualats does not support 'kick'"}
