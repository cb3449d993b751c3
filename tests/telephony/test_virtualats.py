"""The VirtualATS client against httpx.MockTransport, with the doc's examples (fixtures.json).

Signatures below were computed with ``openssl dgst -sha1 -hmac secret`` over token + part.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest
from django.utils.module_loading import import_string

from telephony.base import ActionResult, TelephonyError
from telephony.model import Call, Snapshot
from telephony.registry import PBX_BACKENDS
from telephony.virtualats import VirtualAtsClient, recording_id_from_url
from telephony.virtualats_presence import display_name

CALL_ID = "3489655c982f4e46b9c9ca975b031781"
SIGNED_TOKEN_ALONE = "pub:1546326000000:71c54623571810f74c3e880695d44576b1e571af"
SIGNED_CALL_ID = "pub:1546326000000:bf2a0f17a3778de70bf2879701048ed806854207"
SIGNED_FILE_12345 = "pub:1546326000000:5df975f70a7aaf8012d0b78269dcc8bbbc1a46e0"


def answering(body: Any, seen: list[httpx.Request], status: int = 200, **kwargs: Any):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if isinstance(body, bytes):
            return httpx.Response(status, content=body, **kwargs)
        return httpx.Response(status, json=body, **kwargs)

    return handler


def test_it_is_registered_and_built_from_the_settings_block():
    cls = import_string(PBX_BACKENDS["virtualats"])
    client = cls(public_key="p", secret_key="s", base_url="https://web.vats.az/vats/api")
    assert cls is VirtualAtsClient and client.source == "virtualats"


def test_account_list_is_a_signed_get_of_the_token_alone(vats, vendor_fixtures):
    seen: list[httpx.Request] = []
    vats(answering(vendor_fixtures["virtualats.account/list"], seen)).fetch_snapshot(now=100.0)
    [request] = seen
    assert (request.method, str(request.url)) == ("GET", "https://vats.test/vats/api/account/list")
    assert request.headers["vats-authentication"] == SIGNED_TOKEN_ALONE


def test_the_documented_extensions_become_agents_without_calls(vats, vendor_fixtures):
    snapshot = vats(answering(vendor_fixtures["virtualats.account/list"], [])).fetch_snapshot(7.0)
    assert snapshot.source == "virtualats" and snapshot.calls == {}
    mamed, ali = snapshot.agents["virtualats:100"], snapshot.agents["virtualats:101"]
    assert (mamed.name, mamed.extension, mamed.state, mamed.registered) == (
        "Mamed",
        "100",
        "available",
        True,
    )
    # The doc's callerId is "Əli\u00a0 <101>": the no-break space must not survive.
    assert (ali.name, ali.state, ali.registered, ali.state_reason) == ("Əli", "offline", False, "")
    assert mamed.state_since == ali.state_since == 7.0


@pytest.mark.parametrize(
    ("status", "state", "registered", "reason"),
    [
        ("DISCONNECTED", "offline", False, "Disconnected"),
        ("UNMONITORED", "unknown", None, "Not monitored"),
        ("SUSPENDED", "unknown", None, "SUSPENDED"),
    ],
)
def test_other_statuses_map_to_state_registration_and_reason(
    vats, status, state, registered, reason
):
    accounts = [{"number": "102", "callerId": "Leyla <102>", "status": status}]
    agent = vats(answering(accounts, [])).fetch_snapshot(0).agents["virtualats:102"]
    assert (agent.state, agent.registered, agent.state_reason) == (state, registered, reason)


def test_an_unknown_status_is_logged(vats, caplog):
    accounts = [{"number": "102", "callerId": "Leyla <102>", "status": "SUSPENDED"}]
    with caplog.at_level(logging.WARNING):
        vats(answering(accounts, [])).fetch_snapshot(0)
    assert "102 has unknown status 'SUSPENDED'" in caplog.text


@pytest.mark.parametrize(
    ("caller_id", "name"),
    [
        ("Mamed <100>", "Mamed"),
        ("Əli\u00a0 <101>", "Əli"),
        ("Azerizone \u00a0<994124886606>", "Azerizone"),
        ("  Leyla Həsənova  ", "Leyla Həsənova"),
        ("<103>", "103"),
        ("\u00a0 ", "103"),
    ],
)
def test_names_come_from_the_caller_id_without_number_or_odd_spaces(caller_id, name):
    assert display_name(caller_id, "103") == name


def test_reconcile_keeps_the_calls_known_from_webhooks(vats, vendor_fixtures):
    client = vats(answering(vendor_fixtures["virtualats.account/list"], []))
    call = Call(
        id="virtualats:c1",
        source="virtualats",
        direction="inbound",
        status="talking",
        caller="994557967473",
        callee="994124886606",
        agent_id="virtualats:100",
    )
    previous = Snapshot(source="virtualats", calls={call.id: call})
    merged = client.reconcile(previous, client.fetch_snapshot(5.0))
    assert merged.calls == {call.id: call}
    assert merged.agents["virtualats:100"].state == "talking"


def test_originate_sends_to_number_and_default_number(vats, vendor_fixtures):
    seen: list[httpx.Request] = []
    reply = json.dumps(vendor_fixtures["virtualats.call/originate"])
    result = vats(answering(reply.encode(), seen)).originate("+994 (55) 796-74-73", "102", "100")
    [request] = seen
    assert str(request.url) == (
        "https://vats.test/vats/api/call/originate?to=994557967473&number=102&defaultNumber=100"
    )
    assert request.headers["vats-authentication"] == SIGNED_TOKEN_ALONE
    assert result == ActionResult(
        ok=True,
        message="Calling 994557967473 from extension 102",
        vendor_response=reply,
        call_id=f"virtualats:{CALL_ID}",
    )


def test_originate_without_a_default_extension_leaves_it_out(vats, vendor_fixtures):
    seen: list[httpx.Request] = []
    vats(answering(vendor_fixtures["virtualats.call/originate"], seen)).originate(
        "0124886606", "102"
    )
    assert seen[0].url.query == b"to=0124886606&number=102"


@pytest.mark.parametrize(
    ("to", "extension", "message"),
    [
        ("99455abc", "102", "phone number contains 'a'"),
        ("12", "102", "phone number has 2 digits"),
        ("994557967473", "1O2", "extension must be"),
        ("994557967473", "", "extension must be"),
    ],
)
def test_a_bad_number_or_extension_is_refused_before_anything_is_sent(vats, to, extension, message):
    seen: list[httpx.Request] = []
    with pytest.raises(ValueError, match=message):
        vats(answering({"value": "x"}, seen)).originate(to, extension)
    assert seen == []


@pytest.mark.parametrize("call_id", [CALL_ID, f"virtualats:{CALL_ID}", f" {CALL_ID} "])
def test_hangup_signs_the_call_id_and_keeps_the_undocumented_reply(vats, call_id):
    seen: list[httpx.Request] = []
    result = vats(answering(b"OK", seen)).hangup(call_id)
    [request] = seen
    assert str(request.url) == f"https://vats.test/vats/api/call/hangup/{CALL_ID}"
    assert request.headers["vats-authentication"] == SIGNED_CALL_ID
    assert result == ActionResult(
        ok=True,
        message=f"Hung up call {CALL_ID}",
        vendor_response="OK",
        call_id=f"virtualats:{CALL_ID}",
    )


def test_a_call_id_that_could_leave_the_path_is_refused(vats):
    seen: list[httpx.Request] = []
    for bad in ("../account/list", "virtualats:a/b", ""):
        with pytest.raises(ValueError, match="call id must be"):
            vats(answering(b"", seen)).hangup(bad)
    assert seen == []


def test_open_recording_streams_the_file_with_its_id_signed(vats):
    seen: list[httpx.Request] = []
    audio = b"RIFF" + bytes(100)
    handler = answering(audio, seen, headers={"Content-Type": "audio/wav"})
    response = vats(handler).open_recording("12345")
    try:
        assert response.headers["content-type"] == "audio/wav"
        assert b"".join(response.iter_bytes()) == audio
    finally:
        response.close()
    [request] = seen
    assert str(request.url) == "https://vats.test/vats/api/storageFile/download/12345"
    assert request.headers["vats-authentication"] == SIGNED_FILE_12345


def test_a_missing_recording_is_an_error_and_the_response_is_closed(vats):
    with pytest.raises(TelephonyError, match=r"^VirtualATS storageFile/download: HTTP 404$"):
        vats(answering({"error": "no file"}, [], status=404)).open_recording("12345")


@pytest.mark.parametrize(
    ("url", "file_id"),
    [
        ("https://web.vats.az/vats/api/storageFile/download/12345", "12345"),
        (" https://web.vats.az/vats/api/storageFile/download/12345 ", "12345"),
        (
            "https://web.vats.az/vats/api/storageFile/download/12345?vats-authentication=a%3Ab",
            "12345",
        ),
        ("https://web.vats.az/vats/api/account/list", None),
        ("https://web.vats.az/vats/api/storageFile/download/", None),
        ("", None),
    ],
)
def test_recording_id_comes_from_the_record_conversation_url(url, file_id):
    assert recording_id_from_url(url) == file_id


@pytest.mark.parametrize(
    ("response", "message", "permanent"),
    [
        (httpx.Response(500), "VirtualATS account/list: HTTP 500", False),
        (httpx.Response(502, text="Bad Gateway"), "VirtualATS account/list: HTTP 502", False),
        (httpx.Response(401), "VirtualATS account/list: HTTP 401: check the keys", True),
        (httpx.Response(403), "VirtualATS account/list: HTTP 403: check the keys", True),
        (httpx.Response(200, content=b"[{"), "VirtualATS account/list: malformed JSON", False),
        (httpx.Response(200, json={"a": 1}), "VirtualATS account/list: unexpected response", False),
        (httpx.Response(200, json=[{"number": "1"}]), "missing required field `callerId`", False),
    ],
)
def test_vendor_failures_are_one_line_telephony_errors(vats, response, message, permanent):
    with pytest.raises(TelephonyError) as caught:
        vats(lambda request: response).fetch_snapshot(0)
    assert message in caught.value.message and caught.value.permanent is permanent
    assert_discreet(caught.value.message)


def test_a_timeout_is_a_temporary_error(vats):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(TelephonyError) as caught:
        vats(handler).hangup(CALL_ID)
    assert caught.value.message == "VirtualATS call/hangup: timed out"
    assert not caught.value.permanent


def test_a_connection_failure_on_a_command_is_a_telephony_error(vats):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with pytest.raises(TelephonyError) as caught:
        vats(handler).originate("994557967473", "102")
    assert (
        caught.value.message
        == "VirtualATS call/originate: ConnectError: [Errno 111] Connection refused"
    )
    assert_discreet(caught.value.message)


def assert_discreet(message: str) -> None:
    assert "\n" not in message
    for secret in ("secret", "vats.test", "71c54623571810f74c3e880695d44576b1e571af", "pub:"):
        assert secret not in message
