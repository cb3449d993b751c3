"""The real sinks against ReceiverServer over loopback HTTP: lifecycles, failures, duplicates."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from telephony.base import Sink, TelephonyError
from telephony.http import make_client
from telephony.model import CallEvent
from telephony.simulator.receivers import ReceiverServer
from telephony.sinks.helpdesk import HelpdeskSink
from telephony.sinks.mango import MangoSink
from tests.telephony.sinks.helpers import CALL_ID, T0, VENDOR_CALL_ID, call_event

CHANNEL_KEY = "sim-channel-9f2c"
TOKEN = "sim-mango-token"
RECORDING = "https://pbx.example/rec/1.mp3"


@pytest.fixture
def server() -> Iterator[ReceiverServer]:
    with ReceiverServer(channel_key=CHANNEL_KEY, mango_token=TOKEN, widget_id="7") as running:
        yield running


# Clients made as the outbox makes them: its base URL is the sink's URL, which changes nothing.
@pytest.fixture
def helpdesk(server: ReceiverServer) -> HelpdeskSink:
    http = make_client(server.helpdesk_url, timeout=2)
    return HelpdeskSink(calls_url=server.helpdesk_url, http=http)


@pytest.fixture
def mango(server: ReceiverServer) -> MangoSink:
    http = make_client(server.mango_base_url, timeout=2)
    return MangoSink(token=TOKEN, widget_id="7", base_url=server.mango_base_url, http=http)


def ended(**call: object) -> CallEvent:
    return call_event("ended", outcome="answered", answered_at=T0 + 5, ended_at=T0 + 10, **call)


def refusal(sink: Sink, event: CallEvent, remote_id: str | None = None) -> TelephonyError:
    with pytest.raises(TelephonyError) as caught:
        sink.deliver(event, remote_id)
    return caught.value


def test_helpdesk_lifecycle_uses_the_call_id_create_returned(server, helpdesk):
    created = helpdesk.deliver(call_event("started", agent_extension=""), remote_id=None)
    helpdesk.deliver(call_event("answered"), remote_id=created.remote_id)
    helpdesk.deliver(call_event("ended", outcome="answered", recording_url=RECORDING), "725")
    assert created.remote_id == "725"
    call = server.helpdesk.calls[725]
    assert (call.call_status, call.pbx_user_id, call.ticket_id) == ("answered", "101", 8592)
    assert call.comments == [f"Recording: {RECORDING}"]
    statuses = [r.fields["call_status"] for r in server.requests("helpdesk")]
    assert statuses == ["ringing", "in-progress", "answered"]
    assert server.deliveries("helpdesk") == {VENDOR_CALL_ID: 3}
    assert server.duplicates() == {}


def test_helpdesk_replies_have_the_documented_keys(helpdesk, vendor_fixtures):
    receipt = helpdesk.deliver(call_event("started"), remote_id=None)
    data = httpx.Response(200, content=receipt.response).json()["data"]
    assert data.keys() == vendor_fixtures["helpdesk.create_call"]["data"].keys()
    assert (data["pbx_call_id"], data["pbx_user_id"]) == (VENDOR_CALL_ID, "101")


def test_each_new_call_gets_the_next_call_and_ticket_id(server, helpdesk):
    helpdesk.deliver(call_event("started"), remote_id=None)
    second = helpdesk.deliver(call_event("started", id="virtualats:other"), remote_id=None)
    assert second.remote_id == "726" and server.helpdesk.calls[726].ticket_id == 8593


def test_an_update_can_name_the_call_by_pbx_call_id(server, helpdesk):
    helpdesk.deliver(call_event("started"), remote_id=None)
    helpdesk.deliver(ended(), remote_id=None)
    assert server.helpdesk.calls[725].call_status == "answered"


def test_updating_an_unknown_call_is_a_permanent_404(helpdesk):
    error = refusal(helpdesk, call_event("answered"), remote_id="999")
    assert (error.message, error.permanent) == ("helpdesk update_call: HTTP 404", True)


def test_a_wrong_channel_key_is_a_permanent_404_that_names_no_key(server):
    sink = HelpdeskSink(server.helpdesk_url + "x", http=make_client("", timeout=2))
    error = refusal(sink, call_event("started"))
    assert error.permanent and CHANNEL_KEY not in error.message
    assert server.helpdesk.calls == {}


def test_mango_gets_the_call_then_its_recording(server, mango):
    first = mango.deliver(ended(), remote_id=None)
    second = mango.deliver(call_event("recording", recording_url=RECORDING), first.remote_id)
    assert (first.remote_id, second.remote_id) == ("1", "2")
    assert server.mango.calls[CALL_ID] == {
        "callId": CALL_ID,
        "dateStart": "2020-08-19T08:16:10Z",
        "dateEnd": "2020-08-19T08:16:20Z",
        "phoneTo": "+972722776772",
        "phoneFrom": "+972501234567",
        "recordLink": RECORDING,
    }
    post, put = server.requests("mango")
    assert (post.method, post.path) == ("POST", "/mango/v1/calltracking/externalCall")
    assert (put.method, put.path) == ("PUT", f"{post.path}/virtualats%3A{VENDOR_CALL_ID}")
    assert post.query == put.query == {"widgetId": "7"}
    assert post.headers["authorization"] == "Bearer <redacted>"
    assert server.deliveries("mango") == {CALL_ID: 2} and server.duplicates() == {}


def test_a_recording_for_a_call_mango_never_heard_of_is_a_permanent_404(mango):
    error = refusal(mango, call_event("recording", recording_url=RECORDING))
    assert error.message.startswith("Mango recording: HTTP 404: 404: unknown callId")
    assert error.permanent


def test_a_wrong_mango_token_is_a_permanent_401(server):
    sink = MangoSink("wrong", "7", base_url=server.mango_base_url, http=make_client(""))
    error = refusal(sink, ended())
    assert (error.message, error.permanent) == (
        "Mango externalCall: HTTP 401: 401: invalid token",
        True,
    )


def test_while_down_deliveries_fail_temporarily_and_nothing_is_kept(server, helpdesk, mango):
    server.down()
    for sink, event in ((helpdesk, call_event("started")), (mango, ended())):
        error = refusal(sink, event)
        assert not error.permanent and "HTTP 503" in error.message
    assert server.helpdesk.calls == {} and server.mango.calls == {}
    server.up()
    helpdesk.deliver(call_event("started"), remote_id=None)
    mango.deliver(ended(), remote_id=None)
    assert [r.status for r in server.requests()] == [503, 503, 200, 200]
    assert server.duplicates() == {}


def test_fail_next_answers_once_with_the_given_status_and_body(server, mango):
    server.fail_next(400, {"status": "error", "error": {"code": "E42", "message": "bad"}})
    error = refusal(mango, ended())
    assert (error.message, error.permanent) == ("Mango externalCall: HTTP 400: E42: bad", True)
    assert server.mango.calls == {}
    assert mango.deliver(ended(), remote_id=None).remote_id == "1"


def test_a_repeated_create_or_post_is_answered_and_counted_as_a_duplicate(server, helpdesk, mango):
    for _ in range(2):
        helpdesk.deliver(call_event("started"), remote_id=None)
        mango.deliver(ended(), remote_id=None)
    assert len(server.helpdesk.calls) == 2  # the helpdesk creates it again, as the real one
    assert server.duplicates("helpdesk") == {VENDOR_CALL_ID: 1}
    assert server.duplicates() == {f"helpdesk:{VENDOR_CALL_ID}": 1, f"mango:{CALL_ID}": 1}


def test_a_late_answer_times_out_after_the_work_so_a_retry_is_a_duplicate(server):
    sink = MangoSink(TOKEN, "7", base_url=server.mango_base_url, http=make_client("", 0.2))
    server.delay(0.5)
    error = refusal(sink, ended())
    assert (error.message, error.permanent) == ("Mango externalCall: timed out", False)
    server.delay(0)
    sink.deliver(ended(), remote_id=None)
    assert server.duplicates("mango") == {CALL_ID: 1}


def test_a_call_id_with_slashes_round_trips_through_the_put_path(server, mango):
    yemot = {"id": "yemot:/1/2", "source": "yemot"}
    mango.deliver(ended(**yemot), remote_id=None)
    mango.deliver(call_event("recording", recording_url=RECORDING, **yemot), remote_id=None)
    assert server.mango.calls["yemot:/1/2"]["recordLink"] == RECORDING


def test_recorded_requests_hold_no_secret(server, helpdesk, mango):
    helpdesk.deliver(call_event("started"), remote_id=None)
    mango.deliver(ended(), remote_id=None)
    httpx.post(f"{server.mango_base_url}/calltracking/externalCall?access_token={TOKEN}")
    recorded = repr(server.requests())
    assert CHANNEL_KEY not in recorded and TOKEN not in recorded
    assert server.requests()[-1].query["access_token"] == "<redacted>"


def test_the_helpdesk_receiver_wants_multipart_as_documented(server):
    reply = httpx.post(server.helpdesk_url, data={"action": "create_call"})
    assert reply.status_code == 400
    assert reply.json() == {"error": "unreadable body: expected a multipart/form-data body"}


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"action": "create_call", "phone": "1"}, "missing fields: direction"),
        ({"action": "create_call", "direction": "in", "phone": "1"}, "direction must be"),
        ({"action": "update_call", "call_status": "answered"}, "call_id or pbx_call_id"),
        ({"action": "update_call", "call_id": "725", "call_status": "done"}, "unknown call_s"),
        ({"action": "create_call", "pbx_user_ids": "1"}, "unknown fields: pbx_user_ids"),
    ],
)
def test_the_helpdesk_receiver_refuses_what_the_doc_does_not_allow(server, form, error):
    parts = [(name, (None, value)) for name, value in form.items()]
    reply = httpx.post(server.helpdesk_url, files=parts)
    assert reply.status_code == 400 and reply.json()["error"].startswith(error)


def test_the_helpdesk_receiver_takes_only_one_audience(server):
    parts = [("action", "create_call"), ("direction", "incoming"), ("phone", "1")]
    parts += [("user_ids[]", "1"), ("group_ids[]", "2")]
    reply = httpx.post(server.helpdesk_url, files=[(n, (None, v)) for n, v in parts])
    assert reply.status_code == 400 and reply.json()["error"].startswith("only one of")


def test_the_mango_receiver_refuses_numbers_that_are_not_e164(server):
    body = {"callId": "2", "dateStart": "2020-08-19T08:16:10Z", "dateEnd": "x", "phoneTo": "0501"}
    reply = httpx.post(
        f"{server.mango_base_url}/calltracking/externalCall",
        params={"widgetId": "7"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        json=body,
    )
    assert reply.status_code == 400
    assert reply.json()["status"] == "error"
    assert reply.json()["error"]["message"] in ("bad dateEnd: 'x'", "bad phoneTo: '0501'")
