"""callRecord/history: dates, paging, the response signature, incremental reads."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from telephony.base import TelephonyError
from telephony.model import FinishedCall
from telephony.virtualats_history import parse_call_date

BAKU = ZoneInfo("Asia/Baku")
# Computed with openssl over "1546326000000" + json.dumps(fixture), key "secret".
FIXTURE_SIGNATURE = "pub:1546326000000:2d0c32202dfbdad3525b220ec1c0289671455250"


def signed(rows: list[dict[str, Any]], token: str = "1546326000001") -> httpx.Response:
    """A response signed as VirtualATS signs it, by stdlib hmac (not the code under test)."""
    body = json.dumps(rows).encode()
    sign = hmac.new(b"secret", token.encode() + body, hashlib.sha1).hexdigest()
    return httpx.Response(200, content=body, headers={"vats-authentication": f"x:{token}:{sign}"})


def row(call_id: str, **fields: str) -> dict[str, str]:
    return {
        "callDate": "1.01.2019 10:05:36+0300",
        "callerId": "Hüseyn <994557967473>",
        "callId": call_id,
        "source": "994557967473",
        "destination": "994124886606",
        "answeredNumber": "100",
        "duration": "75",
        "talkTime": "50",
        "direction": "INBOUND",
        "disposition": "ANSWERED",
        "recordConversation": "",
        **fields,
    }


def pages_of(rows: list[dict[str, Any]], seen: list[httpx.Request]):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        return signed(rows[offset : offset + limit])

    return handler


JANUARY = (datetime(2019, 1, 1, tzinfo=BAKU), datetime(2019, 1, 31, 23, 59, 59, tzinfo=BAKU))


def test_the_documented_example_becomes_a_finished_call(vats, vendor_fixtures):
    body = json.dumps(vendor_fixtures["virtualats.callRecord/history"]).encode()
    headers = {"vats-authentication": FIXTURE_SIGNATURE}
    client = vats(lambda request: httpx.Response(200, content=body, headers=headers))
    assert client.history(*JANUARY) == [
        FinishedCall(
            id="virtualats:3489655c982f4e46b9c9ca975b031781",
            source="virtualats",
            direction="inbound",
            disposition="answered",
            started_at=1546326336.0,  # 1.01.2019 10:05:36+0300 = 07:05:36 UTC
            wait_seconds=25.0,
            talk_seconds=50.0,
            agent_extension="100",
            caller="994123102255",
            callee="994123102266",
            recording_url="https://web.vats.az/vats/api/storageFile/download/12345",
        )
    ]


def test_dates_are_sent_in_the_accounts_zone_with_plus_as_percent_2b(vats):
    seen: list[httpx.Request] = []
    since = datetime(2018, 12, 31, 21, 0, tzinfo=UTC)  # midnight in Moscow, 01:00 in Baku
    until = datetime(2019, 1, 31, 20, 59, 59, tzinfo=UTC)
    vats(pages_of([], seen), time_zone="Europe/Moscow").history(since, until)
    vats(pages_of([], seen)).history(since, until)
    # The first URL is the doc's own example, with limit=1000 instead of 100.
    assert [str(request.url) for request in seen] == [
        "https://vats.test/vats/api/callRecord/history?from=01012019000000%2B0300"
        "&to=31012019235959%2B0300&offset=0&limit=1000&order=asc",
        "https://vats.test/vats/api/callRecord/history?from=01012019010000%2B0400"
        "&to=01022019005959%2B0400&offset=0&limit=1000&order=asc",
    ]
    # The request signs the token alone (openssl vector, as for account/list).
    assert seen[0].headers["vats-authentication"] == (
        "pub:1546326000000:71c54623571810f74c3e880695d44576b1e571af"
    )


def test_naive_datetimes_are_refused(vats):
    with pytest.raises(ValueError, match="timezone-aware"):
        vats(pages_of([], [])).history(datetime(2019, 1, 1), datetime(2019, 1, 2))


def test_paging_reads_three_pages_until_one_is_short(vats):
    rows = [row(f"call{n:04d}") for n in range(2500)]
    seen: list[httpx.Request] = []
    calls = vats(pages_of(rows, seen)).history(*JANUARY)
    assert [request.url.params["offset"] for request in seen] == ["0", "1000", "2000"]
    assert {request.url.params["limit"] for request in seen} == {"1000"}
    assert [call.id for call in calls] == [f"virtualats:call{n:04d}" for n in range(2500)]


def test_a_full_last_page_costs_one_more_empty_read(vats):
    seen: list[httpx.Request] = []
    calls = vats(pages_of([row(f"c{n}") for n in range(2000)], seen)).history(*JANUARY)
    assert len(calls) == 2000 and len(seen) == 3


def test_a_server_that_ignores_offset_does_not_page_forever(vats, monkeypatch):
    monkeypatch.setattr("telephony.virtualats_history.MAX_PAGES", 3)
    same_page = [row(f"c{n}") for n in range(1000)]
    with pytest.raises(TelephonyError, match="more than 3 pages"):
        vats(lambda request: signed(same_page)).history(*JANUARY)


def test_a_bad_signature_on_any_page_rejects_the_whole_read(vats):
    rows = [row(f"c{n}") for n in range(1500)]

    def handler(request: httpx.Request) -> httpx.Response:
        good = signed(rows[int(request.url.params["offset"]) :][:1000])
        if request.url.params["offset"] == "0":
            return good
        token, sign = "1546326000001", "0" * 40
        return httpx.Response(
            200, content=good.content, headers={"vats-authentication": f"x:{token}:{sign}"}
        )

    with pytest.raises(
        TelephonyError, match="callRecord/history: response signature does not match"
    ):
        vats(handler).history(*JANUARY)


def test_an_unsigned_response_is_rejected(vats, vendor_fixtures):
    rows = vendor_fixtures["virtualats.callRecord/history"]
    with pytest.raises(TelephonyError, match="response signature is missing"):
        vats(lambda request: httpx.Response(200, json=rows)).history(*JANUARY)


def test_a_response_signed_with_another_secret_is_rejected(vats, vendor_fixtures):
    body = json.dumps(vendor_fixtures["virtualats.callRecord/history"]).encode()
    # A well-formed signature of this body, but made with the key "other", not "secret".
    sign = hmac.new(b"other", b"1546326000000" + body, hashlib.sha1).hexdigest()
    headers = {"vats-authentication": f"pub:1546326000000:{sign}"}
    with pytest.raises(TelephonyError, match="does not match"):
        vats(lambda request: httpx.Response(200, content=body, headers=headers)).history(*JANUARY)


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [("ANSWERED", "answered"), ("NO_ANSWERED", "missed"), ("BUSY", "busy"), ("FAILED", "failed")],
)
def test_dispositions_map_to_outcomes(vats, disposition, expected):
    rows = [row("c1", disposition=disposition, talkTime="0" if expected != "answered" else "50")]
    [call] = vats(lambda request: signed(rows)).history(*JANUARY)
    assert call.disposition == expected


def test_ringing_calls_are_not_finished_and_unknown_outcomes_are_logged_and_skipped(vats, caplog):
    rows = [row("ringing", disposition="RING"), row("odd", disposition="VOICEMAIL"), row("ok")]
    with caplog.at_level(logging.WARNING):
        calls = vats(lambda request: signed(rows)).history(*JANUARY)
    assert [call.id for call in calls] == ["virtualats:ok"]
    assert "call odd has unknown disposition 'VOICEMAIL'" in caplog.text


def test_outbound_missed_call_with_spaces_around_its_recording(vats):
    rows = [
        row(
            "c1",
            callDate="31.12.2018 23:59:59+0400",
            direction="OUTBOUND",
            disposition="NO_ANSWERED",
            source="102",
            destination="0124886606",
            duration="30",
            talkTime="0",
            recordConversation=" https://web.vats.az/vats/api/storageFile/download/777 ",
        )
    ]
    [call] = vats(lambda request: signed(rows)).history(*JANUARY)
    assert (call.direction, call.caller, call.callee) == ("outbound", "102", "0124886606")
    assert call.started_at == datetime(2018, 12, 31, 19, 59, 59, tzinfo=UTC).timestamp()
    assert (call.wait_seconds, call.talk_seconds) == (30.0, 0.0)
    assert call.recording_url == "https://web.vats.az/vats/api/storageFile/download/777"


def test_wait_is_never_negative(vats):
    [call] = vats(lambda request: signed([row("c1", duration="40", talkTime="45")])).history(
        *JANUARY
    )
    assert call.wait_seconds == 0.0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"duration": "1m"}, "call c1 has duration '1m'"),
        ({"talkTime": ""}, "call c1 has talkTime ''"),
        ({"callDate": "2019-01-01 10:05:36"}, "call c1 has callDate '2019-01-01 10:05:36'"),
        ({"direction": "SIDEWAYS"}, "unexpected response"),
    ],
)
def test_a_malformed_row_is_an_error_naming_the_field(vats, fields, message):
    with pytest.raises(TelephonyError, match=message):
        vats(lambda request: signed([row("c1", **fields)])).history(*JANUARY)


def test_numbers_instead_of_strings_are_refused_strictly(vats):
    rows = [{**row("c1"), "duration": 75}]
    with pytest.raises(TelephonyError, match=r"Expected `str`, got `int` - at `\$\[0\].duration`"):
        vats(lambda request: signed(rows)).history(*JANUARY)


def test_call_dates_have_a_one_digit_day_and_any_offset():
    assert parse_call_date("1.01.2019 10:05:36+0300") == datetime(2019, 1, 1, 7, 5, 36, tzinfo=UTC)
    assert parse_call_date("15.03.2019 10:05:36+0400") == datetime(
        2019, 3, 15, 6, 5, 36, tzinfo=UTC
    )
