from __future__ import annotations

import copy
import logging

import httpx
import pytest
from django.utils.module_loading import import_string

from telephony.base import TelephonyError
from telephony.http import make_client
from telephony.registry import PBX_BACKENDS
from telephony.yemot import YemotClient
from tests.telephony.yemot_fake import (
    BASE,
    CREDENTIALS,
    ENTRIES,
    MEMBERS,
    PASSWORD,
    SESSION,
    queue_answer,
)

NOW = 1_700_000_000.0
FIRST, SECOND = "f6657b78a2f35d6d04dd203400828362", "805c3b221d4b76bb53769aac9e2c57c1"


def member(agent: str, status: object = "1", paused: object = False) -> dict[str, object]:
    return {"agent": agent, "Status": status, "Paused": paused}


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_the_registry_names_the_yemot_client() -> None:
    assert import_string(PBX_BACKENDS["yemot"]) is YemotClient


def test_it_logs_in_once_and_posts_the_session_token_in_the_body(fake_yemot) -> None:
    yemot = fake_yemot()
    client = yemot.client(queues=("/1", "/2"))
    client.fetch_snapshot(NOW)
    client.fetch_snapshot(NOW + 2)

    assert yemot.commands()[:4] == [
        "Login",
        "GetQueueRealTime",
        "GetQueueRealTime",
        "GetSipAccountsRegisteredStatus",
    ]
    assert yemot.commands().count("Login") == 1
    assert yemot.sent("Login") == [{"username": "0773137770", "password": PASSWORD}]
    assert yemot.sent("GetQueueRealTime")[:2] == [
        {"token": SESSION, "queuePath": "/1"},
        {"token": SESSION, "queuePath": "/2"},
    ]
    assert all(r.method == "POST" and not r.url.query for r in yemot.requests)


def test_a_ready_token_is_used_as_it_is_without_login(fake_yemot) -> None:
    yemot = fake_yemot()
    yemot.client(token="ready-token").fetch_snapshot(NOW)
    assert "Login" not in yemot.commands()
    assert yemot.sent("GetQueueRealTime") == [{"token": "ready-token", "queuePath": "/1"}]


def test_waiting_callers_are_ordered_by_position_and_dated_by_their_wait(fake_yemot) -> None:
    queue = fake_yemot().client().fetch_snapshot(NOW).queues["yemot:/1"]
    assert (queue.id, queue.source, queue.name) == ("yemot:/1", "yemot", "/1")
    assert [(w.call_id, w.phone, w.joined_at) for w in queue.waiting] == [
        (f"yemot:{SECOND}", "0527654321", NOW - 95),
        (f"yemot:{FIRST}", "0501234567", NOW - 40),
    ]


def test_todays_counts_come_from_queue_data(fake_yemot) -> None:
    # QUEUE_DATA: Completed 9, Abandoned 1; two callers wait now.
    queue = fake_yemot().client().fetch_snapshot(NOW).queues["yemot:/1"]
    assert (queue.offered_today, queue.answered_today, queue.abandoned_today) == (12, 9, 1)


def test_without_queue_data_todays_counts_are_unknown(fake_yemot) -> None:
    answer = queue_answer()
    del answer["queueData"]
    queue = fake_yemot(GetQueueRealTime=answer).client().fetch_snapshot(NOW).queues["yemot:/1"]
    assert (queue.offered_today, queue.answered_today, queue.abandoned_today) == (None,) * 3


def test_a_queue_name_in_the_answer_is_used(fake_yemot) -> None:
    answer = queue_answer()
    answer["queueData"]["Name"] = "מכירות"
    yemot = fake_yemot(GetQueueRealTime=answer)
    assert yemot.client().fetch_snapshot(NOW).queues["yemot:/1"].name == "מכירות"


def test_members_become_agents_of_every_queue_they_serve(fake_yemot) -> None:
    second = queue_answer(members=[member("SIP/0773137770", "1")], entries=[])
    yemot = fake_yemot(GetQueueRealTime=[queue_answer(), second])
    snapshot = yemot.client(queues=("/1", "/2")).fetch_snapshot(NOW)

    agent = snapshot.agents["yemot:SIP/0773137770"]
    assert (agent.source, agent.name, agent.extension) == ("yemot",) + ("SIP/0773137770",) * 2
    assert (agent.state, agent.state_since, agent.call_ids) == ("talking", None, [])
    assert agent.queue_ids == ["yemot:/1", "yemot:/2"]
    assert snapshot.queues["yemot:/1"].member_ids == ["yemot:SIP/0773137770", "yemot:0773137771"]
    assert snapshot.queues["yemot:/1"].paused_member_ids == ["yemot:0773137771"]
    assert snapshot.queues["yemot:/2"].member_ids == ["yemot:SIP/0773137770"]
    assert snapshot.calls == {}


def test_registration_matches_a_members_sip_account(fake_yemot) -> None:
    # The doc's account is 0773137770, registered; 0773137771 is no SIP account of the system.
    agents = fake_yemot().client().fetch_snapshot(NOW).agents
    assert agents["yemot:SIP/0773137770"].registered is True
    assert agents["yemot:0773137771"].registered is None


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("0", "unknown"),
        (1, "available"),
        ("Not in use", "available"),
        (2, "talking"),
        ("In use", "talking"),
        ("3", "talking"),
        ("Busy", "talking"),
        ("4", "offline"),
        ("Invalid", "offline"),
        ("5", "offline"),
        ("Unavailable", "offline"),
        ("6", "ringing"),
        ("Ringing", "ringing"),
        ("7", "talking"),
        ("Ring+Inuse", "talking"),
        ("8", "hold"),
        ("On Hold", "hold"),
    ],
)
def test_asterisk_device_states_map_to_agent_states(fake_yemot, status, state) -> None:
    answer = queue_answer(members=[member("0773137770", status)])
    agent = fake_yemot(GetQueueRealTime=answer).client().fetch_snapshot(NOW).agents
    assert agent["yemot:0773137770"].state == state


def test_an_unknown_status_is_unknown_with_its_value_and_one_warning(fake_yemot, caplog) -> None:
    answer = queue_answer(members=[member("0773137770", "42"), member("0773137771", "43")])
    client = fake_yemot(GetQueueRealTime=answer).client()
    agents = client.fetch_snapshot(NOW).agents
    client.fetch_snapshot(NOW + 2)
    assert (agents["yemot:0773137770"].state, agents["yemot:0773137770"].state_reason) == (
        "unknown",
        "Status 42",
    )
    assert len(warnings_of(caplog)) == 1


@pytest.mark.parametrize(
    ("paused", "status", "state", "reason"),
    [
        ((True, True), "1", "paused", "Paused"),
        ((True, False), "1", "available", "Paused in /1"),
        ((False, True), "5", "offline", "Paused in /2"),
        ((True, True), "5", "paused", "Paused"),
        ((True, True), "2", "talking", "Paused"),  # a call in progress always shows
        ((False, False), "1", "available", ""),
    ],
)
def test_an_agent_is_paused_only_when_paused_in_every_queue(
    fake_yemot, paused, status, state, reason
) -> None:
    answers = [queue_answer(members=[member("0773137770", status, p)]) for p in paused]
    snapshot = fake_yemot(GetQueueRealTime=answers).client(queues=("/1", "/2")).fetch_snapshot(NOW)
    agent = snapshot.agents["yemot:0773137770"]
    assert (agent.state, agent.state_reason) == (state, reason)


def test_numbers_and_booleans_sent_as_strings_read_the_same_with_a_warning_each(
    fake_yemot, caplog
) -> None:
    odd_members = [
        dict(m, CallsTaken=str(m["CallsTaken"]), Paused=str(int(m["Paused"]))) for m in MEMBERS
    ]
    odd_entries = [dict(e, Wait=str(e["Wait"]), Position=str(e["Position"])) for e in ENTRIES]
    odd = queue_answer(members=odd_members, entries=odd_entries)
    odd["queueData"] = {key: str(value) for key, value in odd["queueData"].items()}
    plain = fake_yemot().client().fetch_snapshot(NOW)

    client = fake_yemot(GetQueueRealTime=odd).client()
    assert client.fetch_snapshot(NOW) == plain
    client.fetch_snapshot(NOW)
    warned = warnings_of(caplog)
    assert len(warned) == 3  # queueData, members, entries: once each, whatever the polls
    assert all(message.startswith("Yemot GetQueueRealTime ") for message in warned)
    assert any("got `str` - at `$.Wait`" in message for message in warned)


def test_an_empty_list_sent_as_an_object_is_an_empty_list(fake_yemot, caplog) -> None:
    client = fake_yemot(GetQueueRealTime=queue_answer(members={}, entries={})).client()
    snapshot = client.fetch_snapshot(NOW)
    client.fetch_snapshot(NOW)
    assert snapshot.queues["yemot:/1"].waiting == [] and snapshot.agents == {}
    assert warnings_of(caplog) == [
        "Yemot GetQueueRealTime members: {} for []; read leniently",
        "Yemot GetQueueRealTime entries: {} for []; read leniently",
    ]


def test_a_list_sent_as_an_object_keyed_by_position_is_read(fake_yemot, caplog) -> None:
    keyed = {str(position): entry for position, entry in enumerate(ENTRIES, 1)}
    client = fake_yemot(GetQueueRealTime=queue_answer(entries=keyed)).client()
    assert len(client.fetch_snapshot(NOW).queues["yemot:/1"].waiting) == 2
    assert warnings_of(caplog) == [
        "Yemot GetQueueRealTime entries: an object, not a list; read leniently"
    ]


def test_missing_members_and_entries_are_empty_with_a_warning(fake_yemot, caplog) -> None:
    answer = {"responseStatus": "OK", "queueData": {"Calls": 0, "Completed": 0}}
    snapshot = fake_yemot(GetQueueRealTime=answer).client().fetch_snapshot(NOW)
    assert snapshot.queues["yemot:/1"].waiting == [] and snapshot.agents == {}
    assert len(warnings_of(caplog)) == 2


def test_items_that_cannot_be_read_are_skipped_with_one_warning(fake_yemot, caplog) -> None:
    entries = [{"phone": "0501234567", "Wait": 3}, *ENTRIES, {"CallId": ["not", "an", "id"]}]
    members = [{"Status": "1"}, *MEMBERS]
    client = fake_yemot(GetQueueRealTime=queue_answer(members=members, entries=entries)).client()
    snapshot = client.fetch_snapshot(NOW)
    assert len(snapshot.queues["yemot:/1"].waiting) == 2
    assert len(snapshot.agents) == 2
    assert all("skipped an item" in message for message in warnings_of(caplog))


def test_an_entry_without_a_wait_joined_now(fake_yemot, caplog) -> None:
    entry = {"phone": "0501234567", "CallId": FIRST}
    answer = queue_answer(entries=[entry])
    queue = fake_yemot(GetQueueRealTime=answer).client().fetch_snapshot(NOW).queues["yemot:/1"]
    assert queue.waiting[0].joined_at == NOW
    assert len(warnings_of(caplog)) == 1


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (queue_answer(members="none"), "'members' is neither a list nor an object"),
        ({"members": []}, "no responseStatus"),
        ([1, 2], "no responseStatus"),
    ],
)
def test_an_unusable_answer_is_an_error_naming_the_queue(fake_yemot, answer, expected) -> None:
    with pytest.raises(TelephonyError) as raised:
        fake_yemot(GetQueueRealTime=answer).client().fetch_snapshot(NOW)
    assert raised.value.message.startswith("Yemot GetQueueRealTime /1: unexpected response: ")
    assert raised.value.message.endswith(expected)
    assert not raised.value.permanent


def test_malformed_json_is_an_error() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"<html>"))
    client = YemotClient("token", BASE, ["/1"], http=make_client(BASE, transport=transport))
    with pytest.raises(TelephonyError, match=r"^Yemot GetQueueRealTime /1: malformed JSON"):
        client.fetch_snapshot(NOW)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"responseStatus": "ERROR", "message": "queue not found"}, "ERROR queue not found"),
        ({"responseStatus": "EXCEPTION", "message": "NullPointer"}, "EXCEPTION NullPointer"),
        ({"responseStatus": "ERROR"}, "ERROR"),
    ],
)
def test_a_status_other_than_ok_is_a_temporary_error_with_the_vendors_words(
    fake_yemot, answer, expected
) -> None:
    yemot = fake_yemot(GetQueueRealTime=answer)
    with pytest.raises(TelephonyError) as raised:
        yemot.client().fetch_snapshot(NOW)
    assert raised.value.message == f"Yemot GetQueueRealTime /1: {expected}"
    assert not raised.value.permanent
    assert yemot.commands().count("Login") == 1


@pytest.mark.parametrize(
    "expired",
    [
        {"responseStatus": "FORBIDDEN", "message": "token is not valid or has expired"},
        {"responseStatus": "ERROR", "message": "Session expired, please login again"},
    ],
)
def test_an_ended_session_logs_in_again_and_retries_once(fake_yemot, expired, caplog) -> None:
    fresh = {"responseStatus": "OK", "token": "second-session"}
    login = [{"responseStatus": "OK", "token": SESSION}, fresh]
    yemot = fake_yemot(Login=login, GetQueueRealTime=[expired, queue_answer()])
    caplog.set_level(logging.INFO)

    snapshot = yemot.client().fetch_snapshot(NOW)

    assert len(snapshot.queues["yemot:/1"].waiting) == 2
    assert yemot.commands()[:4] == ["Login", "GetQueueRealTime", "Login", "GetQueueRealTime"]
    assert [sent["token"] for sent in yemot.sent("GetQueueRealTime")] == [SESSION, "second-session"]
    assert "the session has ended; logging in again" in caplog.text


def test_forbidden_after_logging_in_again_is_permanent(fake_yemot) -> None:
    forbidden = {"responseStatus": "FORBIDDEN", "message": "API_KEY_ACL_REJECT"}
    yemot = fake_yemot(GetQueueRealTime=forbidden)
    with pytest.raises(TelephonyError) as raised:
        yemot.client().fetch_snapshot(NOW)
    assert raised.value.message == "Yemot GetQueueRealTime /1: FORBIDDEN API_KEY_ACL_REJECT"
    assert raised.value.permanent
    assert yemot.commands() == ["Login", "GetQueueRealTime", "Login", "GetQueueRealTime"]


def test_a_refused_login_is_permanent_with_the_vendors_words(fake_yemot) -> None:
    refused = {"responseStatus": "FORBIDDEN", "message": "user name or password do not match"}
    with pytest.raises(TelephonyError) as raised:
        fake_yemot(Login=refused).client().fetch_snapshot(NOW)
    assert raised.value.message == "Yemot Login: FORBIDDEN user name or password do not match"
    assert raised.value.permanent


def test_a_ready_token_that_is_refused_is_permanent_without_a_retry(fake_yemot) -> None:
    yemot = fake_yemot(GetQueueRealTime={"responseStatus": "FORBIDDEN", "message": "bad token"})
    with pytest.raises(TelephonyError) as raised:
        yemot.client(token="ready-token").fetch_snapshot(NOW)
    assert raised.value.permanent
    assert yemot.commands() == ["GetQueueRealTime"]


def test_the_token_and_password_never_reach_errors_or_logs(fake_yemot, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    echo = {"responseStatus": "ERROR", "message": f"bad token {SESSION} for {CREDENTIALS}"}
    expired = {"responseStatus": "FORBIDDEN", "message": "token is not valid or has expired"}
    yemot = fake_yemot(GetQueueRealTime=[expired, queue_answer(), echo])
    client = yemot.client()
    client.fetch_snapshot(NOW)
    with pytest.raises(TelephonyError) as raised:
        client.fetch_snapshot(NOW)

    assert raised.value.message == "Yemot GetQueueRealTime /1: ERROR bad token *** for ***"
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (PASSWORD, CREDENTIALS, SESSION):
        assert secret not in logged
        assert secret not in str(raised.value)


def test_http_failures_are_one_line_without_the_url() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    for handler, expected, permanent in [
        (timeout, "Yemot GetQueueRealTime /1: timed out", False),
        (lambda request: httpx.Response(503), "Yemot GetQueueRealTime /1: HTTP 503", False),
        (lambda request: httpx.Response(403), "Yemot GetQueueRealTime /1: HTTP 403", True),
    ]:
        http = make_client(BASE, transport=httpx.MockTransport(handler))
        with pytest.raises(TelephonyError) as raised:
            YemotClient("token", BASE, ["/1"], http=http).fetch_snapshot(NOW)
        assert (raised.value.message, raised.value.permanent) == (expected, permanent)


def test_sip_registration_is_polled_at_most_every_30_seconds(fake_yemot) -> None:
    yemot = fake_yemot()
    client = yemot.client()
    for moment in (NOW, NOW + 10, NOW + 29.9, NOW + 30, NOW + 45):
        client.fetch_snapshot(moment)
    assert yemot.commands().count("GetSipAccountsRegisteredStatus") == 2


@pytest.mark.parametrize(
    ("failure", "tries"),
    [
        ({"responseStatus": "FORBIDDEN", "message": "API_KEY_ACL_REJECT"}, 2),  # re-login first
        ({"responseStatus": "OK", "accounts": "none"}, 1),
    ],
)
def test_a_sip_registration_failure_leaves_it_unknown_and_the_queues_shown(
    fake_yemot, vendor_fixtures, caplog, failure, tries
) -> None:
    accounts = vendor_fixtures["yemot.GetSipAccountsRegisteredStatus.assembled"]
    yemot = fake_yemot(GetSipAccountsRegisteredStatus=[*[failure] * tries, accounts])
    client = yemot.client()

    snapshot = client.fetch_snapshot(NOW)
    assert snapshot.agents["yemot:SIP/0773137770"].registered is None
    assert len(snapshot.queues["yemot:/1"].waiting) == 2
    assert "phones' registration unknown for now" in caplog.text
    assert client.fetch_snapshot(NOW + 31).agents["yemot:SIP/0773137770"].registered is True


def test_registration_of_an_unregistered_account_is_false(fake_yemot, vendor_fixtures) -> None:
    accounts = copy.deepcopy(vendor_fixtures["yemot.GetSipAccountsRegisteredStatus.assembled"])
    accounts["accounts"][0]["registered"] = False
    snapshot = fake_yemot(GetSipAccountsRegisteredStatus=accounts).client().fetch_snapshot(NOW)
    assert snapshot.agents["yemot:SIP/0773137770"].registered is False


@pytest.mark.parametrize(
    ("token", "queues", "expected"),
    [
        ("", ["/1"], "token is empty"),
        ("token", [], "no Yemot queue paths"),
        ("token", ["/1", " "], "must look like /1"),
    ],
)
def test_bad_settings_fail_at_construction(token, queues, expected) -> None:
    with pytest.raises(ValueError, match=expected):
        YemotClient(token, BASE, queues)
