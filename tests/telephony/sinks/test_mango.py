"""MangoSink against httpx.MockTransport, with the doc's example bodies (fixtures.json)."""

from __future__ import annotations

import json

import httpx
import pytest
from django.utils.module_loading import import_string

from telephony.base import TelephonyError
from telephony.http import make_client
from telephony.model import CallEvent
from telephony.sinks import SINK_BACKENDS
from telephony.sinks.mango import DEFAULT_BASE_URL, MangoSink
from tests.telephony.sinks.helpers import CALL_ID, T0, Recorder, call_event, json_reply

TOKEN = "weghjui675432wertyui8675ter"  # the doc's example token
WIDGET_ID = "11078"
CALLS = f"{DEFAULT_BASE_URL}/calltracking/externalCall"


@pytest.fixture
def accepted(vendor_fixtures) -> httpx.Response:
    return json_reply(vendor_fixtures["mango.externalCall.POST.response.ok"])


def sink(recorder: Recorder, country: str = "972") -> MangoSink:
    http = make_client("", transport=httpx.MockTransport(recorder))
    return MangoSink(TOKEN, WIDGET_ID, http=http, default_country_code=country)


def ended(**overrides: object) -> CallEvent:
    return call_event("ended", outcome="answered", **{"ended_at": T0 + 10, **overrides})


def sent(recorder: Recorder) -> dict[str, str]:
    return json.loads(recorder.request.read())


def failure(recorder: Recorder, event: CallEvent | None = None) -> TelephonyError:
    with pytest.raises(TelephonyError) as caught:
        sink(recorder).deliver(event or ended(), remote_id=None)
    assert TOKEN not in caught.value.message
    return caught.value


def test_it_is_registered_and_wants_ended_and_recording():
    cls = import_string(SINK_BACKENDS["mango"])
    assert cls is MangoSink and cls.name == "mango"
    assert MangoSink.kinds == {"ended", "recording"}


def test_ended_posts_the_documented_body_with_bearer_token_and_widget_id(vendor_fixtures, accepted):
    recorder = Recorder(accepted)
    # The doc's example call: to +74958784556, written VirtualATS-style without the "+".
    event = ended(did="74958784556", caller="", recording_url="http://adress.net")
    sink(recorder).deliver(event, remote_id=None)
    request = recorder.request
    assert (request.method, str(request.url)) == ("POST", f"{CALLS}?widgetId={WIDGET_ID}")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    expected = {**vendor_fixtures["mango.externalCall.POST.request"], "callId": CALL_ID}
    del expected["phoneFrom"]  # unknown, so left out: the doc's default is the same ""
    assert sent(recorder) == expected


def test_the_token_is_never_in_the_url(accepted):
    recorder = Recorder(accepted)
    sink(recorder).deliver(ended(), remote_id=None)
    assert TOKEN not in str(recorder.request.url)


def test_national_numbers_get_the_default_country_and_all_are_e164(accepted):
    recorder = Recorder(accepted)
    sink(recorder).deliver(ended(caller="050-123-4567", did="072-2776772"), remote_id=None)
    body = sent(recorder)
    assert (body["phoneFrom"], body["phoneTo"]) == ("+972501234567", "+972722776772")


def test_an_azerbaijani_tenant_sets_its_own_country(accepted):
    recorder = Recorder(accepted)
    event = ended(caller="0557967473", did="012 400 00 00")
    sink(recorder, country="994").deliver(event, remote_id=None)
    body = sent(recorder)
    assert (body["phoneFrom"], body["phoneTo"]) == ("+994557967473", "+994124000000")


def test_dates_are_utc_with_a_z_and_whole_seconds(accepted):
    recorder = Recorder(accepted)
    sink(recorder).deliver(ended(started_at=T0 + 0.9, ended_at=T0 + 3600.5), remote_id=None)
    body = sent(recorder)
    assert (body["dateStart"], body["dateEnd"]) == ("2020-08-19T08:16:10Z", "2020-08-19T09:16:10Z")


def test_without_an_end_time_the_call_ends_when_the_event_happened(accepted):
    recorder = Recorder(accepted)
    sink(recorder).deliver(ended(ended_at=None, occurred_at=T0 + 20), remote_id=None)
    assert sent(recorder)["dateEnd"] == "2020-08-19T08:16:30Z"


def test_an_outbound_call_goes_to_the_callee_from_our_line(accepted):
    recorder = Recorder(accepted)
    event = ended(direction="outbound", caller="101", callee="0527654321")
    sink(recorder).deliver(event, remote_id=None)
    body = sent(recorder)
    assert (body["phoneTo"], body["phoneFrom"]) == ("+972527654321", "+972722776772")


def test_an_anonymous_caller_is_left_out(accepted):
    recorder = Recorder(accepted)
    sink(recorder).deliver(ended(caller="anonymous"), remote_id=None)
    assert "phoneFrom" not in sent(recorder)


def test_a_call_with_no_full_number_to_report_is_refused_before_sending():
    recorder = Recorder()
    error = failure(recorder, ended(did="", callee="101"))
    assert error.message == "Mango externalCall: phoneTo '101' is not a full phone number"
    assert error.permanent and recorder.seen == []


def test_the_ok_reply_gives_the_request_id_as_the_remote_id(accepted):
    receipt = sink(Recorder(accepted)).deliver(ended(), remote_id=None)
    assert (receipt.remote_id, receipt.response) == ("[значение]", accepted.text)


def test_recording_puts_the_link_under_our_call_id(vendor_fixtures):
    recorder = Recorder(json_reply(vendor_fixtures["mango.externalCall.PUT.response.ok"]))
    event = call_event("recording", recording_url="http://adress.net")
    sink(recorder).deliver(event, remote_id="1")
    request = recorder.request
    assert request.method == "PUT"
    assert str(request.url) == f"{CALLS}/virtualats%3A{CALL_ID.split(':')[1]}?widgetId=11078"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent(recorder) == vendor_fixtures["mango.externalCall.PUT.request"]


def test_a_call_id_with_slashes_stays_one_path_segment(accepted):
    recorder = Recorder(accepted)
    event = call_event("recording", id="yemot:/1/2", source="yemot", recording_url="http://r")
    sink(recorder).deliver(event, remote_id=None)
    path = recorder.request.url.raw_path.decode()
    assert path == "/v1/calltracking/externalCall/yemot%3A%2F1%2F2?widgetId=11078"


def test_a_recording_event_without_a_url_is_refused():
    error = failure(Recorder(), call_event("recording"))
    assert error.permanent


def test_started_events_are_not_for_mango():
    assert failure(Recorder(), call_event("started")).permanent


@pytest.mark.parametrize("verb", ["POST", "PUT"])
def test_the_documented_error_reply_is_permanent_and_quoted(vendor_fixtures, verb):
    recorder = Recorder(json_reply(vendor_fixtures[f"mango.externalCall.{verb}.response.error"]))
    event = ended() if verb == "POST" else call_event("recording", recording_url="http://r")
    error = failure(recorder, event)
    what = "externalCall" if verb == "POST" else "recording"
    assert error.message == f"Mango {what}: refused: [код ошибки]: [описание ошибки]"
    assert error.permanent


@pytest.mark.parametrize(("code", "permanent"), [("400", True), ("429", False), (503, False)])
def test_an_error_code_like_a_temporary_http_status_is_temporary(code, permanent):
    body = {"status": "error", "requestId": "9", "error": {"code": code, "message": "busy"}}
    assert failure(Recorder(json_reply(body))).permanent is permanent


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(400, True), (401, True), (403, True), (404, True)]
    + [(408, False), (429, False), (500, False), (503, False)],
)
def test_http_errors_are_permanent_for_4xx_except_408_and_429(status, permanent):
    body = {"status": "error", "requestId": "9", "error": {"code": "e1", "message": "no"}}
    error = failure(Recorder(json_reply(body, status)))
    assert error.message == f"Mango externalCall: HTTP {status}: e1: no"
    assert error.permanent is permanent


def test_an_http_error_without_a_json_body_still_says_its_status():
    error = failure(Recorder(httpx.Response(502, text="<html>Bad gateway</html>")))
    assert (error.message, error.permanent) == ("Mango externalCall: HTTP 502", False)


def test_an_error_that_echoes_the_token_does_not_repeat_it():
    body = {"status": "error", "error": {"code": "401", "message": f"bad token {TOKEN}"}}
    error = failure(Recorder(json_reply(body, 401)))
    assert error.message == "Mango externalCall: HTTP 401: 401: bad token <redacted>"


def test_a_timeout_is_temporary():
    error = failure(Recorder(httpx.ConnectTimeout("slow")))
    assert (error.message, error.permanent) == ("Mango externalCall: timed out", False)


@pytest.mark.parametrize(
    "body", [b"{status: 'ok'}", b'{"status": "maybe", "requestId": "1"}', b'{"requestId": "1"}']
)
def test_a_reply_that_is_not_the_documented_shape_is_permanent(body):
    error = failure(Recorder(httpx.Response(200, content=body)))
    assert error.message.startswith("Mango externalCall: unexpected reply: ")
    assert error.permanent


def test_an_ok_without_a_request_id_is_permanent():
    error = failure(Recorder(json_reply({"status": "ok"})))
    assert (error.message, error.permanent) == ("Mango externalCall: reply has no requestId", True)


def test_a_numeric_request_id_is_taken_as_a_string():
    receipt = sink(Recorder(json_reply({"status": "ok", "requestId": 42}))).deliver(ended(), None)
    assert receipt.remote_id == "42"


def test_a_country_code_that_is_not_digits_is_a_configuration_error():
    with pytest.raises(ValueError, match="1 to 3 digits"):
        MangoSink(TOKEN, WIDGET_ID, default_country_code="+972")
