"""The simulated VirtualATS API, called in-process (over HTTP: test_virtualats_live)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import datetime
from typing import Any

import pytest

from telephony.simulator.callcentre import LOGOUT
from telephony.simulator.protocol import HttpError, Reply, Request
from telephony.simulator.virtualats_records import RECORDING, call_date
from telephony.simulator.virtualats_wire import VirtualAtsSim, new_centre

T0 = 1_700_000_000.0
TOKEN = "1700000000000"


class Outbox:
    """Stands in for the WebhookSender: keeps what would be POSTed."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def send(self, event: dict[str, Any]) -> None:
        self.events.append(event)


def sign(part: str, token: str = TOKEN, secret: str = "sim-secret") -> str:
    """The header a client sends, by stdlib hmac (not the code under test)."""
    digest = hmac.new(secret.encode(), (token + part).encode(), hashlib.sha1).hexdigest()
    return f"sim-public:{token}:{digest}"


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def sim(outbox: Outbox) -> VirtualAtsSim:
    centre = new_centre(extensions=8, seed=1)
    simulated = VirtualAtsSim(centre, webhook=outbox, crm_api_key="crm-key")  # type: ignore[arg-type]
    centre.advance(T0)  # warm-up: twenty minutes of history
    centre.freeze()
    simulated.base_url = "http://sim.test/virtualats/vats/api"
    simulated.go_live()
    return simulated


def get(sim: VirtualAtsSim, endpoint: str, part: str = "", **params: str) -> Reply:
    reply = sim.respond(
        endpoint,
        Request(
            "GET", f"/virtualats/vats/api/{endpoint}", params, {"vats-authentication": sign(part)}
        ),
    )
    assert reply is not None
    return reply


def body(reply: Reply) -> Any:
    return json.loads(reply.body)


def free_extension(sim: VirtualAtsSim) -> str:
    return next(a.username for a in sim.centre.agents if a.call is None and a.status != LOGOUT)


def test_extensions_are_numbered_from_100_with_azerbaijani_names():
    centre = new_centre(extensions=10)
    assert [agent.username for agent in centre.agents][:3] == ["100", "101", "102"]
    assert [agent.name for agent in centre.agents][:3] == ["Mamed", "Əli", "Leyla Həsənova"]
    assert centre.agents[9].name == "Əli 2"


def test_account_list_has_the_documented_shape(sim, vendor_fixtures):
    accounts = body(get(sim, "account/list"))
    example = vendor_fixtures["virtualats.account/list"]
    assert all(list(account) == list(example[0]) for account in accounts)
    assert accounts[0] == {"number": "100", "callerId": "Mamed <100>", "status": "ONLINE"}
    # As in the doc: a no-break space after a non-ASCII name.
    assert accounts[1]["callerId"] == "Əli\u00a0 <101>" == example[1]["callerId"]
    assert {account["status"] for account in accounts} <= {"ONLINE", "OFFLINE"}


def test_extension_statuses_follow_login_and_the_forced_registration_states(sim):
    sim.set_status("100", "DISCONNECTED")
    sim.set_status("101", "UNMONITORED")
    sim.set_status("102", "OFFLINE")
    statuses = [account["status"] for account in body(get(sim, "account/list"))][:3]
    assert statuses == ["DISCONNECTED", "UNMONITORED", "OFFLINE"]
    assert sim.centre.find_agent("102").status == LOGOUT
    sim.set_status("100", "ONLINE")
    assert body(get(sim, "account/list"))[0]["status"] == "ONLINE"


def test_history_rows_have_the_documented_keys_in_order_and_the_reply_is_signed(
    sim, vendor_fixtures
):
    reply = get(sim, "callRecord/history", limit="1000")
    rows = body(reply)
    assert len(rows) > 10
    example = vendor_fixtures["virtualats.callRecord/history"][0]
    assert all(list(row) == list(example) for row in rows)
    assert all(
        isinstance(row["duration"], str) and re.fullmatch(r"[0-9a-f]{32}", row["callId"])
        for row in rows
    )
    public, token, signature = reply.headers["vats-authentication"].split(":")
    expected = hmac.new(b"sim-secret", token.encode() + reply.body, hashlib.sha1).hexdigest()
    assert (public, token, signature) == ("sim-public", TOKEN, expected)


def test_history_dates_have_a_one_digit_day_and_the_docs_offset():
    assert call_date(1546326336.0) == "1.01.2019 10:05:36+0300"


def started(row: dict[str, str]) -> datetime:
    return datetime.strptime(row["callDate"], "%d.%m.%Y %H:%M:%S%z")


def test_history_honours_from_to_offset_limit_order_and_filters(sim):
    rows = body(get(sim, "callRecord/history", limit="1000"))
    assert [started(row) for row in rows] == sorted(started(row) for row in rows)
    middle = started(rows[len(rows) // 2])
    stamp = middle.strftime("%d%m%Y%H%M%S%z")  # ddMMyyyyHHmmssZ
    later = body(get(sim, "callRecord/history", limit="1000", **{"from": stamp}))
    earlier = body(get(sim, "callRecord/history", limit="1000", to=stamp))
    assert later == [row for row in rows if started(row) >= middle]
    assert earlier == [row for row in rows if started(row) <= middle]
    assert body(get(sim, "callRecord/history", offset="2", limit="3")) == rows[2:5]
    assert body(get(sim, "callRecord/history", order="desc", limit="1000")) == rows[::-1]
    assert len(body(get(sim, "callRecord/history"))) == min(50, len(rows))
    answered = body(get(sim, "callRecord/history", disposition="ANSWERED", direction="INBOUND"))
    assert answered and all(
        (row["disposition"], row["direction"]) == ("ANSWERED", "INBOUND") for row in answered
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "1001"}, '"limit" cannot exceed 1000'),
        ({"offset": "-1"}, '"offset" must be a whole number'),
        ({"order": "sideways"}, '"order" must be asc or desc'),
        # An unencoded "+" arrives as a space.
        ({"from": "01012019000000 0300"}, "%2B0300"),
    ],
)
def test_bad_history_parameters_are_a_400(sim, params, message):
    with pytest.raises(HttpError, match=re.escape(message)) as caught:
        get(sim, "callRecord/history", **params)
    assert caught.value.status == 400


def test_a_recorded_answered_call_has_a_recording_to_download(sim):
    rows = body(get(sim, "callRecord/history", limit="1000"))
    url = next(row["recordConversation"] for row in rows if row["recordConversation"])
    assert url.startswith("http://sim.test/virtualats/vats/api/storageFile/download/")
    file_id = url.rsplit("/", 1)[1]
    reply = get(sim, f"storageFile/download/{file_id}", part=file_id)
    assert (reply.status, reply.content_type, reply.body) == (200, "audio/wav", RECORDING)
    assert reply.body[:4] == b"RIFF" and reply.body[8:12] == b"WAVE"
    assert all(row["recordConversation"] == "" for row in rows if row["disposition"] != "ANSWERED")


def test_an_unknown_recording_is_a_404(sim):
    with pytest.raises(HttpError, match="no recording 1") as caught:
        get(sim, "storageFile/download/1", part="1")
    assert caught.value.status == 404


@pytest.mark.parametrize("endpoint", ["call/originate", "call/create"])
def test_originate_and_create_start_an_outbound_call_from_the_extension(
    sim, endpoint, vendor_fixtures
):
    extension = free_extension(sim)
    reply = get(sim, endpoint, to="994557967473", number=extension)
    assert list(body(reply)) == list(vendor_fixtures[f"virtualats.{endpoint}"])
    call = sim.centre.find_call(body(reply)["value"])
    assert (call.direction, call.phone, call.agent) == ("Outgoing", "994557967473", extension)


def test_the_default_number_is_used_when_the_number_is_unknown(sim):
    extension = free_extension(sim)
    reply = get(sim, "call/originate", to="0124886606", number="999", defaultNumber=extension)
    assert sim.centre.find_call(body(reply)["value"]).agent == extension


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"to": "994557967473", "number": "998", "defaultNumber": "999"}, 400, "neither"),
        ({"to": "994557967473"}, 400, "neither"),
        ({"to": "+994557967473", "number": "100"}, 400, '"to" must be'),
    ],
)
def test_originate_refuses_unknown_extensions_and_bad_numbers(sim, params, status, message):
    with pytest.raises(HttpError, match=message) as caught:
        get(sim, "call/originate", **params)
    assert caught.value.status == status


def test_originate_from_a_busy_extension_is_a_conflict(sim):
    extension = free_extension(sim)
    get(sim, "call/originate", to="994557967473", number=extension)
    with pytest.raises(HttpError, match="is busy") as caught:
        get(sim, "call/originate", to="994557967473", number=extension)
    assert caught.value.status == 409


def test_hangup_ends_the_call_and_an_unknown_id_is_a_404(sim):
    call_id = body(get(sim, "call/originate", to="994557967473", number=free_extension(sim)))[
        "value"
    ]
    assert body(get(sim, f"call/hangup/{call_id}", part=call_id)) == {"value": call_id}
    assert sim.centre.find_call(call_id) is None
    with pytest.raises(HttpError, match="no call") as caught:
        get(sim, f"call/hangup/{call_id}", part=call_id)
    assert caught.value.status == 404


def request_with(
    headers: dict[str, str], params: dict[str, str] | None = None, endpoint: str = "account/list"
) -> Request:
    return Request("GET", f"/virtualats/vats/api/{endpoint}", params or {}, headers)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "missing vats-authentication"),
        ("sim-public:1700000000000", "publicKey:token:sign"),
        ("sim-public:soon:" + "0" * 40, "milliseconds"),
        (sign("", secret="wrong"), "wrong public key or signature"),
        (sign("x"), "wrong public key or signature"),
        ("other" + sign("")[len("sim-public") :], "wrong public key or signature"),
        (sign("", token="1699999699000"), "stale token"),  # 5 min 1 s early
        (sign("", token="1700000301000"), "stale token"),  # 5 min 1 s late
    ],
)
def test_badly_signed_requests_are_401(sim, header, message):
    headers = {} if header is None else {"vats-authentication": header}
    with pytest.raises(HttpError, match=message) as caught:
        sim.respond("account/list", request_with(headers))
    assert caught.value.status == 401


def test_a_token_within_five_minutes_is_accepted(sim):
    assert sim.respond(
        "account/list", request_with({"vats-authentication": sign("", token="1700000299000")})
    )


def test_the_header_is_checked_first_then_the_query_parameter(sim):
    good = {"vats-authentication": sign("")}
    assert sim.respond("account/list", request_with({}, good)).status == 200
    with pytest.raises(HttpError, match="wrong public key"):
        sim.respond("account/list", request_with({"vats-authentication": sign("x")}, good))


def test_vats_endpoints_take_only_get(sim):
    with pytest.raises(HttpError) as caught:
        sim.respond("account/list", Request("POST", "/x", {}, {"vats-authentication": sign("")}))
    assert caught.value.status == 405
    assert sim.respond("account/lists", request_with({"vats-authentication": sign("")})) is None


def test_webhook_events_follow_a_call_new_update_hangup_in_the_docs_shape(
    sim, outbox, vendor_fixtures
):
    extension = free_extension(sim)
    call_id = sim.centre.ring_extension(extension, "994557967473")
    sim.centre.advance(T0 + 4)
    sim.centre.answer(call_id)
    sim.centre.advance(T0 + 64)
    sim.centre.hang_up(call_id)
    events = [event for event in outbox.events if event["callId"] == call_id]
    assert [event["state"] for event in events] == ["NEW", "UPDATE", "HANGUP"]
    example = vendor_fixtures["virtualats.crm_event.request"]
    assert all(list(event) == list(example) for event in events)
    new, update, hangup = events
    assert new["apiKey"] == "crm-key" and new["callDate"] == call_date(T0)
    assert (new["disposition"], new["answeredNumber"], new["duration"]) == ("RING", "", "0")
    assert (new["source"], new["direction"]) == ("994557967473", "INBOUND")
    assert (
        update["disposition"],
        update["answeredNumber"],
        update["duration"],
        update["talkTime"],
    ) == (
        "ANSWERED",
        extension,
        "4",
        "0",
    )
    assert (hangup["duration"], hangup["talkTime"]) == ("64", "60")
    url = hangup["recordConversation"]
    assert url == "" or (url.startswith(" http://sim.test/") and url.endswith(" "))


def test_no_webhook_events_before_going_live(outbox):
    centre = new_centre(extensions=3)
    VirtualAtsSim(centre, webhook=outbox)  # type: ignore[arg-type]
    centre.advance(T0)
    assert outbox.events == []


def test_a_busy_outbound_call_and_an_unanswered_one_are_told_apart(sim):
    ended = []
    for _ in range(12):
        extension = free_extension(sim)
        call_id = sim.centre.originate(extension, "994557967473")
        sim.centre.hang_up(call_id)
        ended.append(call_id)
    rows = body(get(sim, "callRecord/history", limit="1000", direction="OUTBOUND"))
    outcomes = {row["callId"]: row["disposition"] for row in rows if row["callId"] in ended}
    assert set(outcomes.values()) == {"BUSY", "NO_ANSWERED"}
