"""The simulated Yemot and Voicenter SetStatusFromAPI, as raw HTTP: what a client sees."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from telephony.simulator import CallCentre, SimulatorServer
from telephony.simulator.__main__ import parse_args
from telephony.simulator.yemot_wire import new_centre

API = "/yemot/ym/api"
TOKEN = "sim-system:sim-password"
STATUS_API = "/voicenter-api/UserLogin/SetStatusFromAPI"


@pytest.fixture(scope="module")
def server() -> Iterator[SimulatorServer]:
    """One frozen simulator for the module: each test adds what it looks at."""
    centre = CallCentre(agents=4, queues=1, seed=2)
    with SimulatorServer(centre, yemot_centre=new_centre(agents=5, queues=3, seed=4)) as running:
        httpx.post(f"{running.base_url}/_sim/freeze")
        yield running


@pytest.fixture(autouse=True)
def plain_shapes(server: SimulatorServer) -> Iterator[None]:
    yield
    server.yemot.odd_shapes = False


@pytest.fixture
def http(server: SimulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=5) as client:
        yield client


def form(http: httpx.Client, command: str, **fields: Any) -> dict[str, Any]:
    return http.post(f"{API}/{command}", data={"token": TOKEN, **fields}).json()


def add_caller(http: httpx.Client, queue: int = 1) -> str:
    return http.post(f"/_sim/yemot/queues/{queue}/callers", json={}).json()["call_id"]


def test_a_request_without_the_token_is_forbidden(http) -> None:
    for token in ("", "sim-system:wrong", "guess"):
        answer = http.post(f"{API}/GetQueueRealTime", data={"token": token}).json()
        assert answer["responseStatus"] == "FORBIDDEN"
        assert answer["message"] == "token is not valid or has expired"


def test_login_trades_credentials_for_a_session_until_sessions_expire(http) -> None:
    refused = http.post(f"{API}/Login", data={"username": "sim-system", "password": "no"})
    assert refused.json()["message"] == "user name or password do not match"
    login = http.post(f"{API}/Login", data={"username": "sim-system", "password": "sim-password"})
    session = login.json()["token"]
    assert ":" not in session
    query = {"token": session, "queuePath": "/1"}
    assert http.get(f"{API}/GetQueueRealTime", params=query).json()["responseStatus"] == "OK"
    assert http.post("/_sim/yemot/tokens/expire").json() == {"expired": 1}
    assert http.get(f"{API}/GetQueueRealTime", params=query).json()["responseStatus"] == "FORBIDDEN"


def test_queue_real_time_has_the_public_clients_shape(http) -> None:
    call_id = add_caller(http)
    answer = form(http, "GetQueueRealTime", queuePath="/1")
    assert set(answer) >= {"responseStatus", "queueData", "members", "entries"}
    assert set(answer["queueData"]) >= {"Abandoned", "Calls", "Completed", "Strategy"}
    assert set(answer["members"][0]) >= {"agent", "Status", "CallsTaken", "Paused", "Penalty"}
    entry = answer["entries"][-1]
    assert set(entry) == {"phone", "Wait", "WaitAgo", "Position", "CallId"}
    assert (entry["CallId"], entry["Position"]) == (call_id, len(answer["entries"]))
    assert isinstance(entry["Wait"], int) and isinstance(answer["members"][0]["Paused"], bool)
    assert form(http, "GetQueueRealTime", queuePath="/7")["message"] == "queue not found"


def test_odd_shapes_send_strings_and_empty_objects(http) -> None:
    assert http.post("/_sim/yemot/odd-shapes", json={"on": True}).json() == {"odd_shapes": True}
    empty = next(
        answer
        for path in ("/1", "/2", "/3")
        if not (answer := form(http, "GetQueueRealTime", queuePath=path))["entries"]
    )
    assert empty["entries"] == {}
    assert isinstance(empty["queueData"]["Calls"], str)
    assert empty["members"][0]["Paused"] in ("0", "1")
    add_caller(http)
    assert isinstance(form(http, "GetQueueRealTime", queuePath="/1")["entries"][0]["Wait"], str)


def test_queue_management_takes_only_post_with_json(http) -> None:
    message = "QueueManagement takes only POST with a JSON body"
    assert form(http, "QueueManagement", queuePath="/1", action="kick")["message"] == message
    query = {"token": TOKEN, "queuePath": "/1", "action": "kick"}
    assert http.get(f"{API}/QueueManagement", params=query).json()["message"] == message


def test_kick_answers_per_call_as_the_doc_shows(http, vendor_fixtures) -> None:
    call_id = add_caller(http)
    body = {"token": TOKEN, "queuePath": "/1", "action": "kick"}
    answer = http.post(f"{API}/QueueManagement", json={**body, "callIds": [call_id, "nope"]})
    doc = vendor_fixtures["yemot.QueueManagement.kick"]
    assert answer.json() == {**doc, "status": {call_id: "OK", "nope": "Call not found"}}
    again = http.post(f"{API}/QueueManagement", json={**body, "callIds": [call_id]}).json()
    assert again["status"] == {call_id: "Call not found"}


def test_pause_needs_a_member_of_the_queue(http) -> None:
    body = {"token": TOKEN, "queuePath": "/1", "action": "pause", "agent": "0000"}
    assert http.post(f"{API}/QueueManagement", json=body).json()["responseStatus"] == "ERROR"
    member = http.get("/_sim/yemot/state").json()["queues"][0]["members"][0]["agent"]
    answer = http.post(f"{API}/QueueManagement", json={**body, "agent": member}).json()
    assert answer["responseStatus"] == "OK"
    members = http.get("/_sim/yemot/state").json()["queues"][0]["members"]
    assert next(m for m in members if m["agent"] == member)["paused"] is True


def test_bridging_answers_in_the_docs_shape_and_checks_its_limits(http, vendor_fixtures) -> None:
    answer = form(http, "CallExtensionBridging", phones="0501234567:12", ivrPath="ivr2:/2")
    doc = vendor_fixtures["yemot.CallExtensionBridging.assembled"]
    assert set(answer) == {*doc, "yAfastVersion"}
    assert answer["module"] == "queue"
    assert (answer["callsCount"], answer["errors"]) == (1, {"12": "not Vaild"})
    fields = {"phones": "0501234567", "ivrPath": "ivr2:/2", "callsTimeOut": "36"}
    refused = form(http, "CallExtensionBridging", **fields)
    assert refused["message"] == "callsTimeOut must be at most 35"


def test_sip_accounts_are_the_members_with_one(http) -> None:
    accounts = form(http, "GetSipAccountsRegisteredStatus")["accounts"]
    assert [a["userName"] for a in accounts] == [f"07731377{n}" for n in (70, 71, 72, 73)]
    assert set(accounts[0]) == {"userName", "createdDate", "registered"}


def test_the_sms_log_takes_a_limit(http) -> None:
    rows = form(http, "GetSmsIncomingLog", limit="2")["rows"]
    assert len(rows) == 2
    assert isinstance(rows[0]["phone"], int) and set(rows[0]) == {
        "dest",
        "phone",
        "message",
        "server_date",
    }


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/_sim/yemot/queues/9/callers", {}, 404),
        ("POST", "/_sim/yemot/queues/1/callers", {"phone": "+972"}, 400),
        ("POST", "/_sim/yemot/agents/0773137770/status", {"status": "away"}, 400),
        ("POST", "/_sim/yemot/agents/999/status", {"status": 2}, 404),
        ("POST", "/_sim/yemot/odd-shapes", {"on": "yes"}, 400),
        ("GET", "/_sim/yemot/tokens/expire", None, 405),
    ],
)
def test_yemot_controls_reject_bad_input(http, method, path, body, status) -> None:
    assert http.request(method, path, json=body).status_code == status


def test_freeze_stops_the_yemot_centre_too(server, http) -> None:
    assert server.yemot.centre.frozen
    http.post("/_sim/unfreeze")
    assert not server.yemot.centre.frozen
    http.post("/_sim/freeze")


def voicenter_agent(http: httpx.Client) -> dict[str, Any]:
    return http.get("/_sim/state").json()["agents"][0]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"Code": "wrong"}, (2, 1, "Authorization Failed")),
        ({"UserId": "1"}, (2, 1, "Authorization Failed")),
        ({"ExtensionUser": "SIP9999"}, (3, 1, "No extension found")),
        ({"Status": 4}, (4, 1, "Status not support")),
        ({"Status": ""}, (2, 6, "Missing parameters")),
    ],
)
def test_set_status_refuses_what_voicenter_refuses(http, change, expected) -> None:
    agent = voicenter_agent(http)
    body = {"Code": "sim-code", "UserId": str(agent["user_id"])}
    body |= {"ExtensionUser": agent["username"], "Status": 9, **change}
    answer = http.post(STATUS_API, json=body).json()
    assert (answer["Status"], answer["StatusError"], answer["StatusErroMessage"]) == expected


def test_set_status_by_get_changes_the_extensions_status(http) -> None:
    agent = voicenter_agent(http)
    query = {"Code": "sim-code", "UserId": agent["user_id"], "ExtensionUser": agent["username"]}
    answer = http.get(STATUS_API, params={**query, "Status": "3"}).json()
    assert answer == {"Status": 1, "StatusError": 1, "StatusErroMessage": "OK"}
    assert voicenter_agent(http)["status"] == 3


def test_cli_yemot_flags_default_to_the_environment_then_to_sim_values(monkeypatch) -> None:
    monkeypatch.delenv("YEMOT_TOKEN", raising=False)
    args = parse_args([])
    assert (args.yemot_token, args.yemot_queues, args.yemot_agents) == (TOKEN, 2, 6)
    monkeypatch.setenv("YEMOT_TOKEN", "0771234567:1234")
    given = parse_args(["--yemot-queues", "3"])
    assert (given.yemot_token, given.yemot_queues) == ("0771234567:1234", 3)
