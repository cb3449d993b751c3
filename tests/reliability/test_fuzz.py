"""Fuzzing with hypothesis: every vendor parser, the webhook and the action endpoints.

Parsers are fed answers of any shape at the HTTP seam (httpx.MockTransport): each poll, read or
command must end in its normal result or a TelephonyError that says what is wrong, never any
other exception. The webhook and the action endpoints are real Django views: any body gets a
success or a clear 4xx, never a 500. The count of inputs tried is printed at the end of the run.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import msgspec
import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from telephony.base import ActionResult, SinkReceipt, TelephonyError
from telephony.http import make_client
from telephony.model import Agent, Snapshot
from telephony.sinks.helpdesk import HelpdeskSink
from telephony.sinks.mango import MangoSink
from telephony.virtualats import VirtualAtsClient
from telephony.virtualats_auth import sign_bytes
from telephony.virtualats_events import CrmEventError, apply_crm_event, merge_poll, parse_crm_event
from telephony.voicenter import VoicenterClient
from telephony.yemot import YemotClient
from tests.accounts import signed_in
from tests.conftest import FIXTURES
from tests.reliability.fuzzing import (
    Replies,
    body_like,
    fuzz,
    json_values,
    responses,
)
from tests.telephony.sinks.helpers import call_event
from tests.telephony.yemot_fake import CREDENTIALS, SESSION, queue_answer
from wallboard.board import services
from wallboard.board.diff import diff_snapshots
from wallboard.outbox.lifecycle import events_between

VATS_BASE = "https://vats.test/vats/api"
YEMOT_BASE = "https://yemot.test/ym/api"
NOW = 1_764_000_000.0


EXAMPLES: dict[str, Any] = json.loads(FIXTURES.read_text(encoding="utf-8"))


def fixture(name: str) -> Any:
    """A vendor document's own example (shared/vendor-apis/fixtures.json)."""
    return copy.deepcopy(EXAMPLES[name])


def mock(handler: Replies, base: str) -> httpx.Client:
    return make_client(base, transport=httpx.MockTransport(handler))


def board_can_take(snapshot: Snapshot, previous: Snapshot | None = None) -> None:
    """What a poll does with a snapshot next: diff it, derive call events, encode it."""
    diff_snapshots(previous, snapshot)
    events_between(previous, snapshot, NOW)
    msgspec.json.encode(snapshot)


# --- Voicenter ---------------------------------------------------------------------------------


VOICENTER_EXTENSIONS = fixture("voicenter.GetExtensionsCalls")
VOICENTER_QUEUES = fixture("voicenter.GetQueuesCallers")


@given(data=st.data())
@fuzz(max_examples=200)
def test_voicenter_answers_of_any_shape_become_a_snapshot_or_a_clear_error(
    data: st.DataObject, inputs_tried: Any
) -> None:
    extensions, queues = VOICENTER_EXTENSIONS, VOICENTER_QUEUES
    replies = Replies(
        {
            "GetExtensionsCalls": data.draw(responses(extensions)),
            "GetQueuesCallers": data.draw(responses(queues)),
        },
        default=httpx.Response(404),
    )
    inputs_tried()
    client = VoicenterClient("code", "unused", http=mock(replies, "https://vc.test/comet/API"))
    try:
        board_can_take(client.fetch_snapshot(NOW))
    except TelephonyError as exc:
        assert exc.message.startswith("Voicenter Get")


@given(reply=responses({"Status": 1, "StatusError": 1, "StatusErroMessage": ""}), data=st.data())
@fuzz(max_examples=100)
def test_voicenter_status_replies_of_any_shape_become_a_result_or_a_clear_error(
    reply: httpx.Response,
    data: st.DataObject,
    inputs_tried: Any,
) -> None:
    extensions = data.draw(responses(VOICENTER_EXTENSIONS))
    replies = Replies({"SetStatusFromAPI": reply, "GetExtensionsCalls": extensions}, reply)
    inputs_tried()
    client = VoicenterClient("code", "unused", http=mock(replies, "https://vc.test/comet/API"))
    agent = Agent(
        id="voicenter:SIPSIP2", source="voicenter", extension="SIPSIP2", name="x", state="paused"
    )
    try:
        assert isinstance(client.pause(agent), ActionResult)
    except TelephonyError as exc:
        assert exc.message.startswith("Voicenter ")


# --- VirtualATS --------------------------------------------------------------------------------


def vats_client(replies: Replies) -> VirtualAtsClient:
    return VirtualAtsClient("pub", "secret", VATS_BASE, http=mock(replies, VATS_BASE))


@given(data=st.data())
@fuzz(max_examples=200)
def test_virtualats_presence_of_any_shape_becomes_a_snapshot_or_a_clear_error(
    data: st.DataObject, inputs_tried: Any
) -> None:
    example = fixture("virtualats.account/list")
    replies = Replies({"account/list": data.draw(responses(example))}, httpx.Response(404))
    inputs_tried()
    client = vats_client(replies)
    try:
        snapshot = client.fetch_snapshot(NOW)
    except TelephonyError as exc:
        assert exc.message.startswith("VirtualATS account/list: ")
        return
    board_can_take(client.reconcile(None, snapshot))


@given(data=st.data(), signed=st.booleans())
@fuzz(max_examples=200)
def test_virtualats_call_history_of_any_shape_becomes_calls_or_a_clear_error(
    data: st.DataObject, signed: bool, inputs_tried: Any
) -> None:
    example = fixture("virtualats.callRecord/history")
    body = data.draw(body_like(example))
    token = "1546326000000"
    header = f"pub:{token}:{sign_bytes('secret', token, body if signed else b'other')}"
    reply = httpx.Response(200, content=body, headers={"vats-authentication": header})
    inputs_tried()
    until = datetime(2019, 1, 2, tzinfo=UTC)
    try:
        calls = vats_client(Replies({"history": reply}, reply)).history(
            until - timedelta(days=1), until
        )
    except TelephonyError as exc:
        assert exc.message.startswith("VirtualATS callRecord/history: ")
        return
    msgspec.json.encode(calls)


@given(data=st.data())
@fuzz(max_examples=400)
def test_crm_events_of_any_shape_are_applied_or_refused_with_the_reason(
    data: st.DataObject, inputs_tried: Any
) -> None:
    example = fixture("virtualats.crm_event.request")
    body = data.draw(body_like(example))
    inputs_tried()
    try:
        event = parse_crm_event(body)
    except CrmEventError as exc:
        assert str(exc).startswith("CRM event: ")
        return
    agents = Snapshot(source="virtualats")
    update = apply_crm_event(agents, event, NOW, set())
    board_can_take(update.snapshot, agents)
    board_can_take(merge_poll(update.snapshot, agents), update.snapshot)


# --- Yemot -------------------------------------------------------------------------------------


def yemot_client(replies: Replies, token: str = CREDENTIALS) -> YemotClient:
    return YemotClient(token, YEMOT_BASE, ["/1", "/2"], http=mock(replies, YEMOT_BASE))


LOGIN = {"responseStatus": "OK", "token": SESSION, "yemotAPIVersion": 6}


@given(data=st.data(), logs_in=st.booleans())
@fuzz(max_examples=200)
def test_yemot_answers_of_any_shape_become_a_snapshot_or_a_clear_error(
    data: st.DataObject, logs_in: bool, inputs_tried: Any
) -> None:
    accounts = fixture("yemot.GetSipAccountsRegisteredStatus.assembled")
    replies = Replies(
        {
            "Login": data.draw(responses(LOGIN)),
            "GetQueueRealTime": data.draw(responses(queue_answer())),
            "GetSipAccountsRegisteredStatus": data.draw(responses(accounts)),
        },
        httpx.Response(404),
    )
    inputs_tried()
    try:
        board_can_take(
            yemot_client(replies, CREDENTIALS if logs_in else SESSION).fetch_snapshot(NOW)
        )
    except TelephonyError as exc:
        assert exc.message.startswith("Yemot ")


@given(data=st.data(), command=st.sampled_from(["kick", "pause", "bridge", "sms"]))
@fuzz(max_examples=200)
def test_yemot_command_replies_of_any_shape_become_a_result_or_a_clear_error(
    data: st.DataObject, command: str, inputs_tried: Any
) -> None:
    examples = {
        "kick": fixture("yemot.QueueManagement.kick"),
        "pause": fixture("yemot.QueueManagement.pause.assembled"),
        "bridge": fixture("yemot.CallExtensionBridging.assembled"),
        "sms": {
            "responseStatus": "OK",
            "rows": [
                {"phone": 972501234567, "dest": "0773137770", "message": "hi", "server_date": ""}
            ],
        },
    }
    reply = data.draw(responses(examples[command]))
    inputs_tried()
    client = yemot_client(Replies({}, reply), SESSION)
    agent = Agent(
        id="yemot:0773137770",
        source="yemot",
        extension="0773137770",
        name="0773137770",
        state="available",
        queue_ids=["yemot:/1", "yemot:/2"],
    )
    try:
        if command == "kick":
            result: Any = client.kick("yemot:/1", ["yemot:f6657b78a2f35d6d04dd203400828362"])
        elif command == "pause":
            result = client.pause(agent)
        elif command == "bridge":
            result = client.bridge("0501234567", "/1")
        else:
            result = client.sms_log(5)
    except TelephonyError as exc:
        assert exc.message.startswith("Yemot ")
        return
    msgspec.json.encode(result)


# --- Sinks' receivers --------------------------------------------------------------------------


@given(
    data=st.data(),
    sink=st.sampled_from(["helpdesk", "mango"]),
    kind=st.sampled_from(["started", "answered", "ended"]),
)
@fuzz(max_examples=200)
def test_sink_replies_of_any_shape_become_a_receipt_or_a_clear_error(
    data: st.DataObject, sink: str, kind: str, inputs_tried: Any
) -> None:
    if sink == "helpdesk":
        reply = data.draw(responses({"data": {"call_id": 123}}))
        target: Any = HelpdeskSink(
            "https://desk.test/api/v2/telephony/calls/@key",
            http=make_client("", transport=httpx.MockTransport(lambda r: reply)),
        )
    else:
        reply = data.draw(responses(fixture("mango.externalCall.POST.response.ok")))
        target = MangoSink(
            "tok", "7", http=make_client("", transport=httpx.MockTransport(lambda r: reply))
        )
    inputs_tried()
    event = call_event(kind if sink == "helpdesk" else "ended", outcome="answered")  # type: ignore[arg-type]
    try:
        assert isinstance(target.deliver(event, "55" if kind != "started" else None), SinkReceipt)
    except TelephonyError as exc:
        assert exc.message


# --- The webhook and the action endpoints (real Django views) ----------------------------------

WEBHOOK_KEY = "fuzz-crm-key"
CLEAR_4XX = {400, 403, 404, 405, 413}


@pytest.fixture
def webhook_key(settings: Any) -> None:
    # Set once: each assignment to `settings` stacks another override layer.
    settings.VIRTUALATS_CRM_API_KEY = WEBHOOK_KEY


@pytest.mark.django_db
@given(data=st.data())
@fuzz(max_examples=200)
def test_the_webhook_answers_any_body_with_success_or_a_clear_4xx(
    data: st.DataObject, webhook_key: None, client: Client, inputs_tried: Any
) -> None:
    example = fixture("virtualats.crm_event.request")
    example["apiKey"] = WEBHOOK_KEY
    body = data.draw(
        st.one_of(body_like(example), st.just(b"{" + b" " * (64 * 1024) + b"}")), label="body"
    )
    content_type = data.draw(st.sampled_from(["application/json", "text/plain", "text/html"]))
    inputs_tried()
    response = client.post("/hooks/virtualats/", data=body, content_type=content_type)
    assert response.status_code == 200 or response.status_code in CLEAR_4XX
    answer = response.json()
    if response.status_code == 200:
        assert answer == {"result": "success", "errors": []}
    else:
        assert answer["result"] == "error"
        assert answer["errors"] and all(isinstance(e, str) and e for e in answer["errors"])


ACTIONS = ["call", "hangup", "kick", "pause", "unpause", "bridge"]


@pytest.fixture
def supervisor(db: None) -> Client:
    return signed_in("fuzzing-supervisor", "view_board", "act")


@pytest.fixture
def polled(sim: Any) -> dict[str, list[str]]:
    """Every source polled once, so agents, calls and queues the actions may name exist."""
    ids: dict[str, list[str]] = {"agent_id": [], "call_id": [], "queue_id": []}
    for source in ("voicenter", "virtualats", "yemot"):
        assert services.poll_source(source).startswith("ok")
        snapshot = services.store.load_snapshot(source)
        ids["agent_id"] += list(snapshot.agents)[:3]
        ids["call_id"] += list(snapshot.calls)[:3]
        ids["queue_id"] += list(snapshot.queues)[:2]
        ids["call_id"] += [w.call_id for q in snapshot.queues.values() for w in q.waiting][:2]
    return ids


def action_fields(ids: dict[str, list[str]]) -> st.SearchStrategy[Any]:
    def near(real: list[str]) -> st.SearchStrategy[Any]:
        return st.one_of(st.sampled_from(real or ["x:1"]), st.text(max_size=12), json_values)

    fields = {
        "agent_id": near(ids["agent_id"]),
        "call_id": near(ids["call_id"]),
        "queue_id": near(ids["queue_id"]),
        "number": st.one_of(
            st.sampled_from(["0501234567", "+972501234567", "994557967473", "1", "++"]),
            st.from_regex(r"\+?[0-9 ()-]{0,16}", fullmatch=True),
            json_values,
        ),
        "source": st.one_of(
            st.sampled_from(["voicenter", "virtualats", "yemot", ""]), small_scalars()
        ),
        "path": st.one_of(st.sampled_from(["/1", "/2", "/../x"]), st.text(max_size=8)),
        "more_data": st.one_of(st.none(), st.just("GOTO:/1"), json_values),
        "board": st.one_of(st.just("floor"), json_values),
    }
    return st.fixed_dictionaries({}, optional=fields)


def small_scalars() -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.integers(), st.booleans(), st.text(max_size=6))


@pytest.mark.django_db
@given(data=st.data())
@fuzz(max_examples=200)
def test_the_action_endpoints_answer_any_input_with_a_result_or_a_clear_4xx(
    data: st.DataObject, supervisor: Client, polled: dict[str, list[str]], inputs_tried: Any
) -> None:
    name = data.draw(
        st.one_of(st.sampled_from(ACTIONS), st.from_regex(r"[a-z0-9_-]{1,10}", fullmatch=True))
    )
    fields = data.draw(action_fields(polled))
    encoding = data.draw(st.sampled_from(["json", "json", "json", "form", "garbage", "not-object"]))
    inputs_tried()
    url = f"/api/actions/{name}/"
    if encoding == "json":
        response = supervisor.post(url, data=json.dumps(fields), content_type="application/json")
    elif encoding == "form":
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()}
        response = supervisor.post(url, data=form)
    elif encoding == "garbage":
        raw = data.draw(st.binary(max_size=30))
        response = supervisor.post(url, data=raw, content_type="application/json")
    else:
        value = data.draw(json_values.filter(lambda v: not isinstance(v, dict)))
        response = supervisor.post(url, data=json.dumps(value), content_type="application/json")
    # 200: done; 502: the vendor said no (its answer is shown); 4xx: the input, explained.
    assert response.status_code in (200, 502) or response.status_code in CLEAR_4XX
    answer = response.json()
    if response.status_code >= 400 and response.status_code != 502:
        assert answer["ok"] is False
        assert isinstance(answer["error"], str) and answer["error"]
