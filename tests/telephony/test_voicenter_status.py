from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest

from telephony.base import TelephonyError
from telephony.http import make_client
from telephony.model import Agent
from telephony.voicenter import VoicenterClient

BASE = "https://monapisec.test/comet/API"
OK = {"Status": 1, "StatusError": 1, "StatusErroMessage": "OK"}


def sip(username: str = "SIPSIP2", source: str = "voicenter") -> Agent:
    return Agent(
        id=f"{source}:{username}", source=source, extension=username, name="User", state="talking"
    )


class FakeVoicenter:
    def __init__(self, extensions: dict[str, Any], reply: Any = OK) -> None:
        self.extensions, self.reply = extensions, reply
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path.endswith("GetExtensionsCalls"):
            return httpx.Response(200, json=self.extensions)
        if isinstance(self.reply, bytes):
            return httpx.Response(200, content=self.reply)
        return httpx.Response(200, json=self.reply)

    def client(self, **options: Any) -> VoicenterClient:
        http = make_client(BASE, transport=httpx.MockTransport(self))
        return VoicenterClient("secret-code", BASE, http=http, **options)

    def bodies(self) -> list[tuple[str, dict[str, Any]]]:
        return [(str(r.url), json.loads(r.content)) for r in self.requests]


@pytest.fixture
def extensions(vendor_fixtures: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(vendor_fixtures["voicenter.GetExtensionsCalls"])


def test_pause_asks_who_is_on_the_extension_then_sets_status_other(extensions) -> None:
    voicenter = FakeVoicenter(extensions)
    result = voicenter.client().pause(sip())
    assert voicenter.bodies() == [
        (f"{BASE}/GetExtensionsCalls", {"code": "secret-code", "extension": "SIPSIP2"}),
        (
            "https://api.voicenter.com/UserLogin/SetStatusFromAPI",
            {"Code": "secret-code", "UserId": "46454322", "ExtensionUser": "SIPSIP2", "Status": 9},
        ),
    ]
    assert (result.ok, result.message) == (True, "Paused SIPSIP2 (Other)")
    assert json.loads(result.vendor_response) == OK


def test_unpause_sets_login(extensions) -> None:
    voicenter = FakeVoicenter(extensions)
    result = voicenter.client().unpause(sip())
    assert voicenter.bodies()[-1][1]["Status"] == 1
    assert (result.ok, result.message) == (True, "SIPSIP2 is back (Login)")


def test_the_pause_status_and_the_status_api_are_configurable(extensions) -> None:
    voicenter = FakeVoicenter(extensions)
    client = voicenter.client(status_api_url="http://127.0.0.1:9/vc/", pause_status=3)
    result = client.pause(sip())
    url, body = voicenter.bodies()[-1]
    assert (url, body["Status"]) == ("http://127.0.0.1:9/vc/UserLogin/SetStatusFromAPI", 3)
    assert result.message == "Paused SIPSIP2 (Lunch break)"


def test_with_nobody_logged_in_the_extensions_own_user_is_used(extensions) -> None:
    voicenter = FakeVoicenter(extensions)
    voicenter.client().pause(sip("SIPSIP1"))  # onlineUserID 0, userID 6946792
    assert voicenter.bodies()[-1][1]["UserId"] == "6946792"


@pytest.mark.parametrize("status", [0, 1, 2])
def test_a_pause_status_that_is_no_break_is_refused(status) -> None:
    with pytest.raises(ValueError, match="break status"):
        VoicenterClient("code", BASE, pause_status=status)


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            {"Status": 2, "StatusError": 1, "StatusErroMessage": "Authorization Failed"},
            "Voicenter refused: Authorization Failed (Status 2)",
        ),
        (
            {"Status": 3, "StatusError": 1, "StatusErroMessage": "No extension found"},
            "Voicenter refused: No extension found (Status 3)",
        ),
        (
            # StatusError 1 is success; anything else is not, whatever Status says.
            {"Status": 1, "StatusError": 6, "StatusErroMessage": "Missing parameters"},
            "Voicenter refused: Missing parameters (Status 1)",
        ),
    ],
)
def test_a_refusal_is_a_failed_result_with_the_vendors_words(extensions, reply, message) -> None:
    result = FakeVoicenter(extensions, reply).client().pause(sip())
    assert (result.ok, result.message) == (False, message)
    assert json.loads(result.vendor_response) == reply


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (b"<html>", "Voicenter SetStatusFromAPI: malformed JSON"),
        ({"Status": "yes"}, "Voicenter SetStatusFromAPI: unexpected response"),
    ],
)
def test_a_malformed_reply_is_an_error(extensions, reply, expected) -> None:
    with pytest.raises(TelephonyError, match=expected):
        FakeVoicenter(extensions, reply).client().pause(sip())


def test_an_extension_voicenter_does_not_list_is_an_error(extensions) -> None:
    voicenter = FakeVoicenter(extensions)
    with pytest.raises(TelephonyError, match="no extension SIPSIP9"):
        voicenter.client().pause(sip("SIPSIP9"))
    assert len(voicenter.requests) == 1


def test_only_voicenter_agents_can_be_paused(extensions) -> None:
    with pytest.raises(ValueError, match="not a Voicenter extension"):
        FakeVoicenter(extensions).client().pause(sip(source="yemot"))
