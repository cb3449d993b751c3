"""VirtualATS call history (callRecord/history): paging, dates, and incremental reads.

Reference: API_REFERENCE.md §3.2, §3.3.
"""

from __future__ import annotations

import itertools
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Literal

import msgspec

from telephony.base import TelephonyError
from telephony.model import Direction, Disposition, FinishedCall, prefixed
from telephony.virtualats_http import decode

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from telephony.virtualats_http import VatsHttp

log = logging.getLogger(__name__)

SOURCE = "virtualats"
HISTORY = "callRecord/history"
PAGE_LIMIT = 1000  # the documented maximum; the default of 50 would mean 20x the requests
# A server that ignored `offset` would page forever; no real day has this many calls.
MAX_PAGES = 200
REQUEST_DATE = "%d%m%Y%H%M%S%z"  # ddMMyyyyHHmmssZ
RESPONSE_DATE = "%d.%m.%Y %H:%M:%S%z"  # d.MM.yyyy HH:mm:ssZ: strptime takes the 1-digit day
# How far back an incremental read looks: a call is listed only once it has ended, dated by
# its start, so a read must reach back over the longest call still in progress.

DISPOSITIONS: dict[str, Disposition] = {
    "ANSWERED": "answered",
    "NO_ANSWERED": "missed",  # sic: the vendor's spelling
    "BUSY": "busy",
    "FAILED": "failed",
}
RINGING = "RING"  # still ringing: not a finished call yet
DIRECTIONS: dict[str, Direction] = {"INBOUND": "inbound", "OUTBOUND": "outbound"}


class WireRecord(msgspec.Struct):
    callDate: str
    callId: str
    direction: Literal["INBOUND", "OUTBOUND"]
    disposition: str  # unknown values are skipped with a warning, not fatal for the whole day
    duration: str  # seconds, as a string
    talkTime: str  # seconds, as a string
    source: str = ""
    destination: str = ""
    answeredNumber: str = ""
    callerId: str = ""
    recordConversation: str = ""


def request_date(moment: datetime, zone: ZoneInfo) -> str:
    if moment.tzinfo is None:
        raise ValueError("history bounds must be timezone-aware datetimes")
    return moment.astimezone(zone).strftime(REQUEST_DATE)


def parse_call_date(text: str) -> datetime:
    """``1.01.2019 10:05:36+0300``; the offset is always read (examples say +0300 in UTC+4)."""
    return datetime.strptime(text.strip(), RESPONSE_DATE)


# Reference: API_REFERENCE.md §3.3
def read_history(
    api: VatsHttp, since: datetime, until: datetime, zone: ZoneInfo
) -> list[FinishedCall]:
    """Every finished call that started in [since, until], oldest first, over as many pages as
    it takes. ``order=asc`` keeps the paging stable: calls ending meanwhile are appended last."""
    bounds = {"from": request_date(since, zone), "to": request_date(until, zone)}
    calls: list[FinishedCall] = []
    for offset in itertools.islice(itertools.count(0, PAGE_LIMIT), MAX_PAGES):
        params = {**bounds, "offset": str(offset), "limit": str(PAGE_LIMIT), "order": "asc"}
        body = api.get_verified(HISTORY, HISTORY, params)
        rows = decode(HISTORY, body, list[WireRecord])
        calls.extend(call for row in rows if (call := to_finished(row)) is not None)
        if len(rows) < PAGE_LIMIT:
            return calls
    raise TelephonyError(f"VirtualATS {HISTORY}: more than {MAX_PAGES} pages; narrow the period")


def to_finished(row: WireRecord) -> FinishedCall | None:
    if row.disposition == RINGING:
        return None
    disposition = DISPOSITIONS.get(row.disposition)
    if disposition is None:
        log.warning("VirtualATS call %s has unknown disposition %r", row.callId, row.disposition)
        return None
    duration, talk = seconds(row, "duration"), seconds(row, "talkTime")
    return FinishedCall(
        id=prefixed(SOURCE, row.callId),
        source=SOURCE,
        direction=DIRECTIONS[row.direction],
        disposition=disposition,
        started_at=started_at(row),
        wait_seconds=float(max(0, duration - talk)),
        talk_seconds=float(talk),
        agent_extension=row.answeredNumber,
        caller=row.source,
        callee=row.destination,
        recording_url=row.recordConversation.strip(),  # the doc's example has spaces around it
    )


def seconds(row: WireRecord, field: Literal["duration", "talkTime"]) -> int:
    text = getattr(row, field).strip()
    if not (text.isascii() and text.isdigit()):  # "²".isdigit() is True; int("²") fails
        raise TelephonyError(f"VirtualATS {HISTORY}: call {row.callId} has {field} {text!r}")
    return int(text)


def started_at(row: WireRecord) -> float:
    try:
        return parse_call_date(row.callDate).timestamp()
    except ValueError:
        raise TelephonyError(
            f"VirtualATS {HISTORY}: call {row.callId} has callDate {row.callDate!r}"
        ) from None
