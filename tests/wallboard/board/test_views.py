from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command

from tests.accounts import signed_in
from wallboard.models import Board

pytestmark = pytest.mark.django_db


def board_config(response) -> dict:
    html = response.content.decode()
    start = html.index('id="board-config"')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def test_a_tv_link_opens_the_board_read_only_with_its_token_on_the_socket(client) -> None:
    token = Board.objects.get(slug="floor").issue_tv_token()
    response = client.get(f"/boards/floor/?token={token}")
    assert response.status_code == 200
    config = board_config(response)
    assert config["ws_url"] == f"/ws/boards/floor/?token={token}"
    assert config["poll_seconds"] == 2.0
    assert config["board_name"] == "Call centre floor"


def test_a_revoked_tv_link_says_so(client) -> None:
    board = Board.objects.get(slug="floor")
    token = board.issue_tv_token()
    board.issue_tv_token()
    response = client.get(f"/boards/floor/?token={token}")
    assert response.status_code == 403
    assert "not valid" in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client) -> None:
    response = client.get("/boards/floor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/boards/floor/")


def test_a_supervisor_session_opens_the_board_without_a_token(client) -> None:
    signed_in("sup", "view_board", client=client)
    assert board_config(client.get("/boards/floor/"))["ws_url"] == "/ws/boards/floor/"
    assert b"Call centre floor" in client.get("/").content


def test_a_logged_in_user_without_permission_cannot_see_the_board(client) -> None:
    client.force_login(User.objects.create_user("nobody", password="pw"))
    assert client.get("/boards/floor/").status_code == 302


def test_the_page_carries_no_vendor_secret(client, settings) -> None:
    settings.VOICENTER_CODE = "top-secret-org-code"
    settings.WALLBOARD_SOURCES = {"voicenter": {"code": "top-secret-org-code", "base_url": "x"}}
    token = Board.objects.get(slug="floor").issue_tv_token()
    assert b"top-secret-org-code" not in client.get(f"/boards/floor/?token={token}").content


def test_tv_link_prints_a_working_link_and_revokes_the_previous_one(client, capsys) -> None:
    call_command("tv_link", "floor", "--base-url", "http://tv.example:8000")
    first = capsys.readouterr().out.strip()
    call_command("tv_link", "floor")
    second = capsys.readouterr().out.strip()
    assert first.startswith("http://tv.example:8000/boards/floor/?token=")
    path = second.removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 200
    assert client.get(first.removeprefix("http://tv.example:8000")).status_code == 403


def test_tv_tokens_are_stored_hashed() -> None:
    board = Board.objects.get(slug="floor")
    token = board.issue_tv_token()
    board.refresh_from_db()
    assert token not in board.tv_token_hash
    assert board.accepts_tv_token(token)
    assert not board.accepts_tv_token(token + "x")
    assert not board.accepts_tv_token("")


def test_a_supervisor_logs_in_on_the_login_page_and_lands_on_the_board(client) -> None:
    user = User.objects.create_user("sup", password="a-long-password")
    user.user_permissions.add(Permission.objects.get(codename="view_board"))
    response = client.post(
        "/accounts/login/",
        {"username": "sup", "password": "a-long-password", "next": "/boards/floor/"},
    )
    assert response.status_code == 302 and response["Location"] == "/boards/floor/"
    assert client.get("/boards/floor/").status_code == 200


def test_the_admin_issues_a_tv_link_shown_once_and_revokes_it(client) -> None:
    admin_user = User.objects.create_superuser("boss", password="pw")
    client.force_login(admin_user)
    board = Board.objects.get(slug="floor")
    response = client.post(
        "/admin/wallboard/board/",
        {"action": "issue_tv_link", "_selected_action": [board.pk]},
        follow=True,
    )
    [message] = [str(m) for m in response.context["messages"]]
    link = message.split(": ", 1)[1].split(" ")[0]
    token = link.split("token=")[1]
    assert Board.objects.get(pk=board.pk).accepts_tv_token(token)
    client.post(
        "/admin/wallboard/board/", {"action": "revoke_tv_link", "_selected_action": [board.pk]}
    )
    assert not Board.objects.get(pk=board.pk).accepts_tv_token(token)
