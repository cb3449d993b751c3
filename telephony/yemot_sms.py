"""SMS received by a Yemot system (GetSmsIncomingLog), for an SMS ticker.

Reference: API_REFERENCE.md §4.8. ``server_date`` is local (Israel) time in a format the doc
scrambles (``22:40:54 2024-07-30``, probably ``2024-07-30 22:40:54``) and other Yemot answers vary
(``dd/mm/yyyy hh:mm``): every one of them is tried.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from telephony.yemot_wire import SmsRow, read_all

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from telephony.yemot_wire import Quirks, Reading

MAX_LIMIT = 1000  # the doc states none; a ticker needs a handful
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%H:%M:%S %Y-%m-%d",  # as the doc prints it
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)


class IncomingSms(msgspec.Struct, kw_only=True):
    phone: str  # the sender, as Yemot gives it (972...)
    message: str
    received_at: float | None  # epoch seconds; None when the date could not be read
    dest: str = ""  # the system number it was sent to


def check_limit(limit: int) -> str:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1 to {MAX_LIMIT}, not {limit!r}")
    return str(limit)


# Reference: API_REFERENCE.md §4.8
def read_sms(reading: Reading, data: dict[str, Any], zone: ZoneInfo) -> list[IncomingSms]:
    return [
        IncomingSms(
            phone=str(row.phone),
            message=row.message,
            received_at=received_at(row.server_date, zone, reading.quirks),
            dest=str(row.dest),
        )
        for row in read_all(reading, data, "rows", SmsRow)
    ]


def received_at(text: str, zone: ZoneInfo, quirks: Quirks) -> float | None:
    value = text.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is True; float("²") fails
        return float(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=zone).timestamp()
        except ValueError:
            continue
    quirks.note("GetSmsIncomingLog rows: a server_date in no known format")
    return None
