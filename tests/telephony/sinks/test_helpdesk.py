"""HelpdeskSink against httpx.MockTransport, with the doc's replies (fixtures.json)."""

from __future__ import annotations

import httpx
import pytest
from django.utils.module_loading import import_string

from telephony.base import TelephonyError
from telephony.http import make_client
from telephony.model import LifecycleKind
from telephony.sinks import SINK_BACKENDS
from telephony.sinks.helpdesk import HelpdeskSink
from tests.telephony.sinks.helpers import (
    VENDOR_CALL_ID,
    Recorder,
    call_event,
    form_of,
    json_reply,
)

CHANNEL_KEY = "f3c9a1e07b2d4c55"
CALLS_URL = f"https://desk.example/api/v2/telephony/calls/@{CHANNEL_KEY}"


@pytest.fixture
def created(vendor_fixtures) -> httpx.Response:
    return json_reply(vendor_fixtures["helpdesk.create_call"])


@pytest.fixture
def updated(vendor_fixtures) -> httpx.Response:
    return json_reply(vendor_fixtures["helpdesk.update_call"])


def sink(recorder: Recorder) -> HelpdeskSink:
    return HelpdeskSink(CALLS_URL, http=make_client("", transport=httpx.MockTransport(recorder)))


def failure(recorder: Recorder, kind: LifecycleKind = "started") -> TelephonyError:
    with pytest.raises(TelephonyError) as caught:
        sink(recorder).deliver(call_event(kind), remote_id="725")
    assert CHANNEL_KEY not in caught.value.message and "desk.example" not in caught.value.message
    return caught.value


def test_it_is_registered_and_wants_started_answered_and_ended():
    cls = import_string(SINK_BACKENDS["helpdesk"])
    assert cls is HelpdeskSink and cls.name == "helpdesk"
    assert HelpdeskSink.kinds == {"started", "answered", "ended"}


def test_started_posts_create_call_as_multipart_to_the_channel_url(created):
    recorder = Recorder(created)
    sink(recorder).deliver(call_event("started"), remote_id=None)
    request = recorder.request
    assert (request.method, str(request.url)) == ("POST", CALLS_URL)
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert form_of(request) == [
        ("action", "create_call"),
        ("direction", "incoming"),
        ("phone", "0501234567"),
        ("call_status", "ringing"),
        ("pbx_call_id", VENDOR_CALL_ID),
        ("pbx_user_ids[]", "101"),
    ]
    # Plain form fields, as `curl --form` sends them: no filename, no per-part content type.
    assert b'Content-Disposition: form-data; name="pbx_user_ids[]"\r\n\r\n101\r\n' in request.read()


def test_started_returns_the_helpdesks_call_id_and_its_raw_reply(created):
    receipt = sink(Recorder(created)).deliver(call_event("started"), remote_id=None)
    assert receipt.remote_id == "725"
    assert receipt.response == created.text


def test_an_outbound_call_is_outgoing_to_the_customer_it_called(created):
    recorder = Recorder(created)
    event = call_event("started", direction="outbound", caller="101", callee="0527654321")
    sink(recorder).deliver(event, remote_id=None)
    fields = dict(form_of(recorder.request))
    assert (fields["direction"], fields["phone"]) == ("outgoing", "0527654321")


def test_without_a_known_agent_no_audience_is_sent_so_everyone_sees_the_card(created):
    recorder = Recorder(created)
    sink(recorder).deliver(call_event("started", agent_extension=""), remote_id=None)
    names = [name for name, _ in form_of(recorder.request)]
    assert not {"pbx_user_ids[]", "user_ids[]", "group_ids[]"} & set(names)


def test_answered_updates_the_call_by_its_helpdesk_id_to_in_progress(updated):
    recorder = Recorder(updated)
    receipt = sink(recorder).deliver(call_event("answered"), remote_id="725")
    assert form_of(recorder.request) == [
        ("action", "update_call"),
        ("call_id", "725"),
        ("call_status", "in-progress"),
        ("pbx_user_id", "101"),
    ]
    assert receipt.remote_id == "725"


def test_without_a_remote_id_an_update_names_the_call_by_pbx_call_id_instead(updated):
    recorder = Recorder(updated)
    sink(recorder).deliver(call_event("answered", agent_extension=""), remote_id=None)
    assert form_of(recorder.request) == [
        ("action", "update_call"),
        ("pbx_call_id", VENDOR_CALL_ID),
        ("call_status", "in-progress"),
    ]


@pytest.mark.parametrize("outcome", ["answered", "missed", "canceled", "busy", "failed"])
def test_ended_sends_the_outcome_as_the_final_status(updated, outcome):
    recorder = Recorder(updated)
    sink(recorder).deliver(call_event("ended", outcome=outcome), remote_id="725")
    assert form_of(recorder.request) == [
        ("action", "update_call"),
        ("call_id", "725"),
        ("call_status", outcome),
        ("pbx_user_id", "101"),
    ]


@pytest.mark.parametrize(("answered_at", "status"), [(None, "missed"), (1.0, "answered")])
def test_ended_without_an_outcome_is_answered_or_missed(updated, answered_at, status):
    recorder = Recorder(updated)
    sink(recorder).deliver(call_event("ended", answered_at=answered_at), remote_id="725")
    assert dict(form_of(recorder.request))["call_status"] == status


def test_a_recording_is_linked_in_the_comment_rather_than_uploaded(updated):
    recorder = Recorder(updated)
    url = "https://pbx.example/rec/1.mp3"
    event = call_event("ended", outcome="answered", recording_url=url)
    sink(recorder).deliver(event, remote_id="725")
    fields = form_of(recorder.request)
    assert fields[-1] == ("comment", f"Recording: {url}")
    assert "audio_record" not in dict(fields)


def test_recording_events_are_not_for_the_helpdesk():
    error = failure(Recorder(), kind="recording")
    assert error.permanent


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(302, True), (400, True), (401, True), (403, True), (404, True)]
    + [(408, False), (429, False), (500, False), (503, False)],
)
def test_http_errors_are_permanent_for_4xx_except_408_and_429(status, permanent):
    error = failure(Recorder(json_reply({"error": f"key {CHANNEL_KEY} refused"}, status)))
    assert error.message == f"helpdesk create_call: HTTP {status}"
    assert error.permanent is permanent


def test_a_timeout_is_temporary():
    error = failure(Recorder(httpx.ReadTimeout("slow")), kind="answered")
    assert (error.message, error.permanent) == ("helpdesk update_call: timed out", False)


def test_a_transport_error_naming_the_url_is_temporary_and_hides_it():
    error = failure(Recorder(httpx.ConnectError(f"cannot reach {CALLS_URL}")))
    assert error.message == "helpdesk create_call: ConnectError: cannot reach <redacted>"
    assert not error.permanent


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>Log in</html>", "malformed JSON"),
        (b'{"call_id": 725}', "no data"),
        (b'{"data": {"call_id": "725"}}', "call_id as a string"),
        (b'{"data": null}', "data null"),
    ],
)
def test_a_reply_that_is_not_the_documented_shape_is_permanent(body, reason):
    error = failure(Recorder(httpx.Response(200, content=body)))
    assert error.message.startswith("helpdesk create_call: unexpected reply: "), reason
    assert error.permanent


def test_a_create_reply_without_a_call_id_is_permanent():
    error = failure(Recorder(json_reply({"data": {"ticket_id": 8592}})))
    assert error.message == "helpdesk create_call: reply has no data.call_id"
    assert error.permanent


def test_an_update_reply_without_a_call_id_keeps_the_remote_id():
    recorder = Recorder(json_reply({"data": {"call_status": "in-progress"}}))
    assert sink(recorder).deliver(call_event("answered"), remote_id="725").remote_id == "725"


def test_a_calls_url_that_is_not_absolute_is_refused_without_echoing_it():
    with pytest.raises(ValueError) as caught:
        HelpdeskSink(f"desk.example/api/v2/telephony/calls/@{CHANNEL_KEY}")
    assert CHANNEL_KEY not in str(caught.value)
