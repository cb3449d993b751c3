"""Yemot's answers as strict msgspec structs, reached leniently.

Reference: PUBLIC_CLIENTS.md §1a. GetQueueRealTime is undocumented; its shape is known only from a
public pydantic client, whose coercion hides what really travels: numbers and booleans may come
as strings, an empty list as ``{}`` (as Asterisk renders it). So each item is read strictly, then,
failing that, with msgspec's lax conversion; every distinct oddity is logged once per client (at
one poll every 2 s, more would bury the log) and tolerated. Unknown fields are ignored, as the
public client ignores them. Only an answer whose very structure is wrong is an error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

if TYPE_CHECKING:
    from telephony.base import TelephonyError
    from telephony.yemot_http import YemotHttp

log = logging.getLogger(__name__)

T = TypeVar("T")


class QueueData(msgspec.Struct):
    # Asterisk's QueueParams counters, kept by Yemot since its last reset of the queue's stats.
    Completed: int | None = None
    Abandoned: int | None = None
    Name: str = ""  # not in the public client's model: used if Yemot sends one


class Member(msgspec.Struct):
    agent: str
    # An Asterisk device state, as its code or its name (see yemot_presence.DEVICE_STATES).
    Status: int | str = ""
    Paused: bool = False


class Entry(msgspec.Struct):
    CallId: str
    phone: str | int = ""
    Wait: float | None = None  # seconds in the queue; no absolute join time is known to exist
    Position: int | None = None


class QueueAnswer(msgspec.Struct):
    data: QueueData
    members: list[Member]
    entries: list[Entry]


class SipAccount(msgspec.Struct):
    userName: str | int
    registered: bool


class SmsRow(msgspec.Struct):
    phone: str | int = ""  # typed int by the doc; they are 12-digit numbers (972...)
    dest: str | int = ""
    message: str = ""
    server_date: str = ""


class BridgingReply(msgspec.Struct):
    campaignId: str = ""  # what Yemot's campaign reports will call it


class Quirks:
    """Shape oddities seen in one client's answers: each logged once, then tolerated."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def note(self, oddity: str) -> None:
        if oddity not in self._seen:
            self._seen.add(oddity)
            log.warning("Yemot %s; read leniently", oddity)


def lenient(raw: object, shape: type[T], where: str, quirks: Quirks) -> T | None:
    """``raw`` as ``shape``, accepting numbers and booleans sent as strings; None (and one
    warning) for an item that cannot be read at all. Warnings name fields, never values."""
    try:
        return msgspec.convert(raw, shape)
    except msgspec.ValidationError as strict:
        try:
            value = msgspec.convert(raw, shape, strict=False)
        except msgspec.ValidationError as exc:
            quirks.note(f"{where}: skipped an item ({exc})")
            return None
        quirks.note(f"{where}: {strict}")
        return value


@dataclass(frozen=True)
class Reading:
    """How to read one answer: oddities are named by command (the same one in two queues is one
    warning), errors by ``what`` (which queue failed), and raised through the HTTP seam."""

    api: YemotHttp
    quirks: Quirks
    command: str
    what: str = ""

    def unusable(self, detail: str) -> TelephonyError:
        return self.api.error(self.what or self.command, f"unexpected response: {detail}")


def items(reading: Reading, data: dict[str, Any], key: str) -> list[Any]:
    """A list field that may come as a list, ``{}``, an object keyed by position, or not at all."""
    where = f"{reading.command} {key}"
    value = data.get(key)
    if isinstance(value, list):
        return value
    if value is None:
        reading.quirks.note(f"{where}: missing")
        return []
    if isinstance(value, dict):
        reading.quirks.note(f"{where}: an object, not a list" if value else f"{where}: {{}} for []")
        return list(value.values())
    raise reading.unusable(f"{key!r} is neither a list nor an object")


def read_all(reading: Reading, data: dict[str, Any], key: str, shape: type[T]) -> list[T]:
    where = f"{reading.command} {key}"
    found = (lenient(raw, shape, where, reading.quirks) for raw in items(reading, data, key))
    return [item for item in found if item is not None]


def mapping(data: dict[str, Any], key: str, where: str, quirks: Quirks) -> dict[str, str]:
    """A map of strings (kick's per-call ``status``, bridging's ``errors``); ``[]`` when empty."""
    value = data.get(key) or {}
    if isinstance(value, dict) and all(isinstance(item, str) for item in value.values()):
        return {str(name): item for name, item in value.items()}
    quirks.note(f"{where}: {key!r} is not a map of strings")
    return {}


# Reference: PUBLIC_CLIENTS.md §1a
def read_queue(reading: Reading, data: dict[str, Any]) -> QueueAnswer:
    raw = data.get("queueData") or {}
    queue_data = lenient(raw, QueueData, f"{reading.command} queueData", reading.quirks)
    return QueueAnswer(
        data=queue_data or QueueData(),
        members=read_all(reading, data, "members", Member),
        entries=read_all(reading, data, "entries", Entry),
    )


# Reference: API_REFERENCE.md §4.7
def read_accounts(reading: Reading, data: dict[str, Any]) -> dict[str, bool]:
    accounts = read_all(reading, data, "accounts", SipAccount)
    return {str(account.userName): account.registered for account in accounts}
