from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from wallboard.board import store

pytestmark = pytest.mark.django_db

URL = "/hooks/virtualats/"
KEY = "crm-key-123"


@pytest.fixture
def event(vendor_fixtures: dict[str, Any], settings: Any) -> dict[str, Any]:
    settings.VIRTUALATS_CRM_API_KEY = KEY
    body = copy.deepcopy(vendor_fixtures["virtualats.crm_event.request"])
    body["apiKey"] = KEY
    return body


def post(client, body: Any, raw: bytes | None = None):
    data = raw if raw is not None else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json")


def live_calls() -> dict[str, Any]:
    snapshot = store.load_snapshot("virtualats")
    return {} if snapshot is None else snapshot.calls


def test_a_new_call_is_on_the_board_at_once_and_answered_with_success(client, event) -> None:
    event["state"] = "NEW"
    response = post(client, event)
    assert response.status_code == 200
    assert response.json() == {"result": "success", "errors": []}
    call = live_calls()["virtualats:3489655c982f4e46b9c9ca975b031781"]
    assert (call.status, call.caller) == ("ringing", "994557967473")


def test_answer_then_hangup_removes_the_call(client, event) -> None:
    for state in ("NEW", "UPDATE"):
        post(client, dict(event, state=state))
    assert live_calls()["virtualats:3489655c982f4e46b9c9ca975b031781"].status == "talking"
    post(client, dict(event, state="HANGUP"))
    assert live_calls() == {}


def test_a_hangup_before_its_new_leaves_no_ghost_call(client, event) -> None:
    assert post(client, dict(event, state="HANGUP")).status_code == 200
    assert post(client, dict(event, state="NEW")).status_code == 200
    assert post(client, dict(event, state="UPDATE")).status_code == 200
    assert live_calls() == {}


def test_a_repeated_event_publishes_nothing_new(client, event) -> None:
    post(client, dict(event, state="NEW"))
    version = store.client().get(store.version_key("floor"))
    post(client, dict(event, state="NEW"))
    assert store.client().get(store.version_key("floor")) == version


def test_a_wrong_api_key_is_refused(client, event) -> None:
    response = post(client, dict(event, apiKey="guess"))
    assert response.status_code == 403
    assert response.json() == {"result": "error", "errors": ["apiKey does not match"]}
    assert live_calls() == {}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"{not json", "malformed JSON"),
        (b"[]", "Expected `object`"),
        (b'{"apiKey": "crm-key-123", "state": "NEW"}', "callId"),
        (b'{"apiKey": "crm-key-123", "callId": "x", "state": "RINGING"}', "state"),
    ],
)
def test_a_malformed_event_gets_a_400_that_says_what_is_wrong(
    client, event, raw: bytes, expected: str
) -> None:
    response = post(client, None, raw=raw)
    assert response.status_code == 400
    body = response.json()
    assert body["result"] == "error"
    assert expected in body["errors"][0]


def test_without_a_configured_key_the_webhook_is_closed(client, event, settings) -> None:
    settings.VIRTUALATS_CRM_API_KEY = ""
    response = post(client, event)
    assert response.status_code == 503
    assert "VIRTUALATS_CRM_API_KEY" in response.json()["errors"][0]


def test_only_post_is_accepted(client, event) -> None:
    assert client.get(URL).status_code == 405
