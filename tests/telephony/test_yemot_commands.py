from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from telephony.base import TelephonyError
from telephony.model import Agent
from tests.telephony.yemot_fake import SESSION

FIRST, SECOND = "f6657b78a2f35d6d04dd203400828362", "805c3b221d4b76bb53769aac9e2c57c1"
BRIDGED = {
    "responseStatus": "OK",
    "module": "queue",
    "callerId": "0770770770",
    "callsCount": 1,
    "bilingPerCall": 1,
    "errors": {},
    "callsTimeout": 30,
    "campaignId": "YA-1-0770770770-Yemot-1695290243349441",
}


def agent(queues: list[str], source: str = "yemot", name: str = "0773137770") -> Agent:
    return Agent(
        id=f"{source}:{name}",
        source=source,
        extension=name,
        name=name,
        state="available",
        queue_ids=[f"{source}:{queue}" for queue in queues],
    )


def all_ok(fields: dict) -> dict:
    return {"responseStatus": "OK", "status": dict.fromkeys(fields["callIds"], "OK")}


def test_kick_posts_exactly_the_documented_json_body(fake_yemot, vendor_fixtures) -> None:
    answer = vendor_fixtures["yemot.QueueManagement.kick"]
    yemot = fake_yemot(QueueManagement=answer)

    result = yemot.client().kick("yemot:/1", [f"yemot:{FIRST}", SECOND])

    request = yemot.requests[-1]
    assert (request.method, request.headers["content-type"]) == ("POST", "application/json")
    assert json.loads(request.content) == {
        "token": SESSION,
        "queuePath": "/1",
        "action": "kick",
        "callIds": [FIRST, SECOND],
    }
    assert list(json.loads(request.content))[0] == "token"
    assert not result.ok  # responseStatus is OK, but one of the two calls was not found
    assert result.message == "Removed 1 caller; 1 not found: 805c…"
    assert json.loads(result.vendor_response) == answer


def test_kick_to_an_extension_sends_more_data_and_is_ok_when_every_call_is(fake_yemot) -> None:
    yemot = fake_yemot(QueueManagement=all_ok)
    result = yemot.client().kick("/1", [FIRST, SECOND, FIRST], more_data="GOTO:/1")
    assert yemot.sent("QueueManagement") == [
        {
            "token": SESSION,
            "queuePath": "/1",
            "action": "kick",
            "callIds": [FIRST, SECOND],
            "moreData": "GOTO:/1",
        }
    ]
    assert (result.ok, result.message) == (True, "Moved 2 callers to /1")


def test_a_call_missing_from_the_status_map_is_not_ok(fake_yemot) -> None:
    yemot = fake_yemot(QueueManagement={"responseStatus": "OK", "status": []})
    result = yemot.client().kick("/1", [FIRST])
    assert (result.ok, result.message) == (False, "Removed 0 callers; 1 no answer: f665…")


@pytest.mark.parametrize(
    ("queue_id", "call_ids", "more_data", "expected"),
    [
        ("/1", [], None, "call ids"),
        ("/1", [""], None, "call ids"),
        ("/1", ["yemot:"], None, "call ids"),
        ("/1", ["id with space"], None, "call ids"),
        ("", [FIRST], None, "path"),
        ("yemot:", [FIRST], None, "path"),
        ("/1", [FIRST], "GOTO1", "moreData"),
        ("/1", [FIRST], "/1", "moreData"),
        ("/1", [FIRST], "GOTO:", "moreData"),
        ("/1", [FIRST], "GOTO:/1 now", "moreData"),
    ],
)
def test_kick_rejects_bad_input_before_sending(
    fake_yemot, queue_id, call_ids, more_data, expected
) -> None:
    yemot = fake_yemot()
    with pytest.raises(ValueError, match=expected):
        yemot.client().kick(queue_id, call_ids, more_data)
    assert "QueueManagement" not in yemot.commands()


def test_a_refused_kick_is_an_error(fake_yemot) -> None:
    yemot = fake_yemot(QueueManagement={"responseStatus": "ERROR", "message": "queue not found"})
    with pytest.raises(TelephonyError, match="^Yemot QueueManagement /9: ERROR queue not found$"):
        yemot.client().kick("/9", [FIRST])


@pytest.mark.parametrize(("action", "verb"), [("pause", "Paused"), ("unpause", "Unpaused")])
def test_pause_and_unpause_post_one_json_body_per_queue(
    fake_yemot, vendor_fixtures, action, verb
) -> None:
    answer = vendor_fixtures[f"yemot.QueueManagement.{action}.assembled"]
    yemot = fake_yemot(QueueManagement=answer)

    result = getattr(yemot.client(), action)(agent(["/1", "/2"]))

    assert yemot.sent("QueueManagement") == [
        {"token": SESSION, "queuePath": path, "action": action, "agent": "0773137770"}
        for path in ("/1", "/2")
    ]
    assert all(
        r.headers["content-type"] == "application/json"
        for r in yemot.requests
        if r.url.path.endswith("QueueManagement")
    )
    assert (result.ok, result.message) == (True, f"{verb} 0773137770 in /1, /2")
    assert json.loads(result.vendor_response) == {"/1": answer, "/2": answer}


def test_a_pause_refused_in_one_queue_says_where(fake_yemot) -> None:
    refused = {"responseStatus": "ERROR", "message": "agent not found"}
    yemot = fake_yemot(QueueManagement=[{"responseStatus": "OK"}, refused])
    result = yemot.client().pause(agent(["/1", "/2"]))
    assert not result.ok
    assert result.message == (
        "Paused 0773137770 in /1; failed in /2 (Yemot QueueManagement /2: ERROR agent not found)"
    )
    assert json.loads(result.vendor_response)["/2"] == {
        "error": "Yemot QueueManagement /2: ERROR agent not found"
    }


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (agent(["/1"], source="voicenter"), "not a Yemot queue member"),
        (agent(["/1"], name=" "), "not a Yemot queue member"),
        (agent([]), "member of no Yemot queue"),
    ],
)
def test_pause_rejects_agents_it_cannot_pause(fake_yemot, target, expected) -> None:
    with pytest.raises(ValueError, match=expected):
        fake_yemot().client().pause(target)


def test_bridge_posts_the_number_into_the_extension_as_json(fake_yemot) -> None:
    yemot = fake_yemot(CallExtensionBridging=BRIDGED)
    result = yemot.client().bridge("+972 50-123-4567", "/1")
    assert yemot.sent("CallExtensionBridging") == [
        {"token": SESSION, "phones": ["972501234567"], "ivrPath": "ivr2:/1", "callsTimeOut": 30}
    ]
    assert result.ok
    assert result.message == (
        "Calling 972501234567 into /1 (campaign YA-1-0770770770-Yemot-1695290243349441)"
    )
    assert json.loads(result.vendor_response) == BRIDGED


@pytest.mark.parametrize(
    ("path", "ivr_path"),
    [("/1/100", "ivr2:/1/100"), ("1/100", "ivr2:/1/100"), ("ivr2:/1/100", "ivr2:/1/100")],
)
def test_bridge_paths_are_sent_as_ivr2_paths(fake_yemot, path, ivr_path) -> None:
    yemot = fake_yemot(CallExtensionBridging=BRIDGED)
    yemot.client().bridge("0501234567", path, calls_timeout=35)
    assert yemot.sent("CallExtensionBridging")[0]["ivrPath"] == ivr_path
    assert yemot.sent("CallExtensionBridging")[0]["callsTimeOut"] == 35


def test_numbers_yemot_refuses_make_the_bridge_fail(fake_yemot, vendor_fixtures) -> None:
    answer = vendor_fixtures["yemot.CallExtensionBridging.assembled"]
    numbers = ["0510000", "0510001", "0510002", "0510003"]
    result = fake_yemot(CallExtensionBridging=answer).client().bridge_many(numbers, "/1")
    assert not result.ok
    assert result.message == (
        "Calling 1 number into /1 (campaign YA-1-0770770770-Yemot-1695290243349441); "
        "refused 0510001: not Vaild, 0510002: not Vaild, 0510003: not Vaild"
    )


def test_a_single_refused_number_says_so(fake_yemot) -> None:
    answer = dict(BRIDGED, callsCount=0, errors={"0510001": "not Vaild"})
    result = fake_yemot(CallExtensionBridging=answer).client().bridge("0510001", "/1")
    assert (result.ok, result.message) == (False, "Yemot refused 0510001: not Vaild")


@pytest.mark.parametrize(
    ("numbers", "timeout", "expected"),
    [
        (["0501234567"], 36, "calls_timeout must be 1 to 35"),
        (["0501234567"], 0, "calls_timeout must be 1 to 35"),
        (["0501234567"], True, "calls_timeout must be 1 to 35"),
        (["0501234567"] * 501, 30, "1 to 500 numbers, not 501"),
        ([], 30, "1 to 500 numbers, not 0"),
        (["05-CALL-ME"], 30, "phone number contains"),
    ],
)
def test_bridging_limits_are_enforced_before_sending(fake_yemot, numbers, timeout, expected):
    yemot = fake_yemot(CallExtensionBridging=BRIDGED)
    with pytest.raises(ValueError, match=expected):
        yemot.client().bridge_many(numbers, "/1", calls_timeout=timeout)
    assert yemot.requests == []


def test_five_hundred_numbers_are_allowed(fake_yemot) -> None:
    yemot = fake_yemot(CallExtensionBridging=BRIDGED)
    yemot.client().bridge_many([f"05012{n:05d}" for n in range(500)], "/1")
    assert len(yemot.sent("CallExtensionBridging")[0]["phones"]) == 500


def israel(text: str) -> float:
    # Israel is UTC+3 in summer (IDT).
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() - 3 * 3600


def test_sms_log_reads_the_odd_dates_and_numbers(fake_yemot, caplog) -> None:
    rows = [
        {"dest": 972501234567, "phone": 972541234567, "message": "שלום", "server_date": d}
        for d in ("2024-07-30 22:40:54", "22:40:54 2024-07-30", "30/07/2024 22:40", "soon")
    ]
    yemot = fake_yemot(GetSmsIncomingLog={"responseStatus": "OK", "rows": rows})

    messages = yemot.client().sms_log(limit=4)

    assert yemot.sent("GetSmsIncomingLog") == [{"token": SESSION, "limit": "4"}]
    assert [m.received_at for m in messages] == [
        israel("2024-07-30T22:40:54"),
        israel("2024-07-30T22:40:54"),
        israel("2024-07-30T22:40:00"),
        None,
    ]
    first = messages[0]
    assert (first.phone, first.dest, first.message) == ("972541234567", "972501234567", "שלום")
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "Yemot GetSmsIncomingLog rows: a server_date in no known format; read leniently"
    ]


def test_an_empty_sms_log_may_come_as_an_object(fake_yemot) -> None:
    yemot = fake_yemot(GetSmsIncomingLog={"responseStatus": "OK", "rows": {}})
    assert yemot.client().sms_log() == []


@pytest.mark.parametrize("limit", [0, 1001, True])
def test_sms_log_rejects_a_bad_limit(fake_yemot, limit) -> None:
    with pytest.raises(ValueError, match="limit must be 1 to 1000"):
        fake_yemot().client().sms_log(limit)
