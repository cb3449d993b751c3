from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest

from telephony.base import TelephonyError
from telephony.http import make_client
from telephony.voicenter import PAUSE_REASONS, VoicenterClient


def client_answering(
    extensions: dict[str, Any], queues: dict[str, Any], seen: list[httpx.Request] | None = None
) -> VoicenterClient:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        body = extensions if request.url.path.endswith("GetExtensionsCalls") else queues
        return httpx.Response(200, json=body)

    http = make_client("https://voicenter.test/comet/API", transport=httpx.MockTransport(handler))
    return VoicenterClient("secret-code", "https://voicenter.test/comet/API", http=http)


@pytest.fixture
def docs(vendor_fixtures: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        copy.deepcopy(vendor_fixtures["voicenter.GetExtensionsCalls"]),
        copy.deepcopy(vendor_fixtures["voicenter.GetQueuesCallers"]),
    )


def test_it_posts_the_code_as_json_to_both_methods(docs: tuple[dict, dict]) -> None:
    seen: list[httpx.Request] = []
    client_answering(*docs, seen=seen).fetch_snapshot(now=0)
    assert [r.url.path for r in seen] == [
        "/comet/API/GetExtensionsCalls",
        "/comet/API/GetQueuesCallers",
    ]
    assert all(
        r.method == "POST" and json.loads(r.content) == {"code": "secret-code"} for r in seen
    )
    assert all("secret-code" not in str(r.url) for r in seen)


def test_the_documented_example_maps_to_agents_calls_and_queues(docs: tuple[dict, dict]) -> None:
    snapshot = client_answering(*docs).fetch_snapshot(now=0)

    user1 = snapshot.agents["voicenter:SIPSIP1"]
    assert (user1.name, user1.extension, user1.state, user1.call_ids) == (
        "User 1",
        "SIPSIP1",
        "offline",
        [],
    )
    user2 = snapshot.agents["voicenter:SIPSIP2"]
    assert user2.state == "talking"
    assert user2.state_since == 1602465819  # callAnswered
    assert user2.call_ids == ["voicenter:2020101201cc7b38df"]

    call = snapshot.calls["voicenter:2020101201cc7b38df"]
    assert call.direction == "outbound"
    assert (call.caller, call.callee) == ("SIPSIP2", "0722776772")
    assert (call.started_at, call.answered_at) == (1602465818, 1602465819)
    assert call.agent_id == "voicenter:SIPSIP2"
    assert call.recording is True  # IsMuted 0 means recorded

    queue = snapshot.queues["voicenter:12345678"]
    assert (queue.name, queue.weight) == ("QUEUE 1", 5)
    assert [(w.call_id, w.phone, w.joined_at) for w in queue.waiting] == [
        ("voicenter:202010131430590714966", "0722776772", 1602599565),
        ("voicenter:202010131433000d14cc4b", "0501234567", 1602599583),
    ]
    assert snapshot.queues["voicenter:87654321"].waiting == []


@pytest.mark.parametrize(
    ("code", "state", "reason"),
    [
        (1, "available", ""),
        (2, "offline", ""),
        *[(code, "paused", reason) for code, reason in PAUSE_REASONS.items()],
        (42, "unknown", "Status 42"),
    ],
)
def test_every_online_user_status_maps_to_a_state(
    docs: tuple[dict, dict], code: int, state: str, reason: str
) -> None:
    extensions, queues = docs
    extensions["EXTENSIONS"][0]["onlineUserStatus"] = code
    agent = client_answering(extensions, queues).fetch_snapshot(now=0).agents["voicenter:SIPSIP1"]
    assert (agent.state, agent.state_reason) == (state, reason)


@pytest.mark.parametrize(
    ("callstatus", "expected"),
    [
        ("Ringing", "ringing"),
        ("Dialing", "dialing"),
        ("Talking", "talking"),
        ("Hold", "hold"),
        (1, "ringing"),
        ("2", "dialing"),
        (3, "talking"),
        ("4", "hold"),
    ],
)
def test_callstatus_is_read_by_name_or_number(
    docs: tuple[dict, dict], callstatus: object, expected: str
) -> None:
    extensions, queues = docs
    extensions["EXTENSIONS"][1]["calls"][0]["callstatus"] = callstatus
    snapshot = client_answering(extensions, queues).fetch_snapshot(now=0)
    assert snapshot.calls["voicenter:2020101201cc7b38df"].status == expected
    assert snapshot.agents["voicenter:SIPSIP2"].state == expected


def test_a_paused_agent_on_a_call_shows_the_call_and_keeps_the_reason(
    docs: tuple[dict, dict],
) -> None:
    extensions, queues = docs
    extensions["EXTENSIONS"][1]["onlineUserStatus"] = 5
    agent = client_answering(extensions, queues).fetch_snapshot(now=0).agents["voicenter:SIPSIP2"]
    assert (agent.state, agent.state_reason) == ("talking", "Administrative time")


def test_an_unanswered_call_has_no_answer_time_and_an_inbound_caller(
    docs: tuple[dict, dict],
) -> None:
    extensions, queues = docs
    call = extensions["EXTENSIONS"][1]["calls"][0]
    call.update(callAnswered=0, answered=0, callstatus="Ringing", direction="Incoming", did="039")
    snapshot = client_answering(extensions, queues).fetch_snapshot(now=0)
    mapped = snapshot.calls["voicenter:2020101201cc7b38df"]
    assert (mapped.direction, mapped.caller, mapped.callee) == ("inbound", "0722776772", "039")
    assert mapped.answered_at is None
    # callStarted includes the caller's queue wait: the board dates ringing from its own polls.
    assert snapshot.agents["voicenter:SIPSIP2"].state_since is None


def test_a_call_ringing_at_two_extensions_is_one_call(docs: tuple[dict, dict]) -> None:
    extensions, queues = docs
    ringing = dict(extensions["EXTENSIONS"][1]["calls"][0], callstatus="Ringing", callAnswered=0)
    extensions["EXTENSIONS"][0].update(onlineUserStatus=1, calls=[ringing])
    snapshot = client_answering(extensions, queues).fetch_snapshot(now=0)
    assert list(snapshot.calls) == ["voicenter:2020101201cc7b38df"]
    assert snapshot.agents["voicenter:SIPSIP1"].state == "ringing"
    assert snapshot.agents["voicenter:SIPSIP2"].state == "talking"
    assert snapshot.calls["voicenter:2020101201cc7b38df"].agent_id == "voicenter:SIPSIP2"


def test_an_auth_failure_is_a_permanent_error_with_the_vendors_words(
    docs: tuple[dict, dict],
) -> None:
    failure = {"ERR": 1, "DESC": "Authorization failed"}
    with pytest.raises(TelephonyError) as raised:
        client_answering(failure, docs[1]).fetch_snapshot(now=0)
    assert raised.value.message == "Voicenter GetExtensionsCalls: ERR 1 Authorization failed"
    assert raised.value.permanent


def test_invalid_values_are_a_temporary_error(docs: tuple[dict, dict]) -> None:
    with pytest.raises(TelephonyError) as raised:
        client_answering(docs[0], {"ERR": 2, "DESC": "Internal error"}).fetch_snapshot(now=0)
    assert "ERR 2 Internal error" in raised.value.message
    assert not raised.value.permanent


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "malformed JSON"),
        (b'{"ERR": 0, "DESC": "OK", "EXTENSIONS": [{"username": 5}]}', "unexpected response"),
        (b'{"ERR": "0"}', "unexpected response"),
    ],
)
def test_a_malformed_answer_is_a_clear_error(body: bytes, expected: str) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    http = make_client("https://voicenter.test/comet/API", transport=transport)
    with pytest.raises(TelephonyError, match=expected):
        VoicenterClient("code", "unused", http=http).fetch_snapshot(now=0)


def test_http_errors_and_timeouts_never_leak_the_url() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    for handler, expected in [
        (timeout, "Voicenter GetExtensionsCalls: timed out"),
        (lambda request: httpx.Response(503), "Voicenter GetExtensionsCalls: HTTP 503"),
    ]:
        http = make_client(
            "https://voicenter.test/x?code=leak", transport=httpx.MockTransport(handler)
        )
        with pytest.raises(TelephonyError) as raised:
            VoicenterClient("leak", "unused", http=http).fetch_snapshot(now=0)
        assert raised.value.message == expected


@pytest.mark.parametrize(
    ("callstatus", "since"),
    [("Talking", 1602465819), ("Dialing", 1602465818), ("Ringing", None), ("Hold", None)],
)
def test_the_agents_state_is_dated_only_by_epochs_that_date_it(
    docs: tuple[dict, dict], callstatus: str, since: int | None
) -> None:
    extensions, queues = docs
    extensions["EXTENSIONS"][1]["calls"][0]["callstatus"] = callstatus
    agent = client_answering(extensions, queues).fetch_snapshot(now=0).agents["voicenter:SIPSIP2"]
    assert agent.state_since == since
