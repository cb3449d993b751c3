"""Helpdesk "Telephony via API" (most likely HelpDeskEddy): a call card and a ticket per call.

Reference: API_REFERENCE.md §5 (seed 003). Every action is a multipart/form-data POST to the
channel URL, and that URL is the only credential: it never reaches a message or a log.

Choices where the doc is silent or ambiguous:

* ``pbx_call_id`` is the vendor's own call id, without our ``<source>:`` prefix: it is what a
  helpdesk user copies from the PBX to search for the call, and one channel is one PBX.
* ``update_call`` names the call by ``call_id`` (what ``create_call`` returned, passed back as
  ``remote_id``); when there is none, by ``pbx_call_id``, which the doc allows instead (§5.5).
* ``audio_record`` is a file upload. The sink does not download and re-upload recordings: that
  means fetching a large file with the PBX's credentials inside a delivery with a 5 s timeout.
  Agents get the link instead, as ``comment`` "Recording: <url>".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import msgspec

from telephony.base import Sink, SinkReceipt, TelephonyError
from telephony.http import make_client
from telephony.sinks.sinkhttp import SinkHttp, is_permanent

if TYPE_CHECKING:
    from telephony.model import Call, CallEvent, Direction, Outcome

Fields = list[tuple[str, str]]

DIRECTIONS: dict[Direction, str] = {"inbound": "incoming", "outbound": "outgoing"}
# Our outcomes were named after the helpdesk's final statuses (§5.3); keep the pairing explicit.
FINAL_STATUSES: dict[Outcome, str] = {
    "answered": "answered",
    "missed": "missed",
    "canceled": "canceled",
    "busy": "busy",
    "failed": "failed",
}


class WireCall(msgspec.Struct):
    call_id: int | None = None  # required in a create_call reply: it keys every later update


class WireReply(msgspec.Struct):
    data: WireCall


class HelpdeskSink(Sink):
    name = "helpdesk"
    kinds = frozenset({"started", "answered", "ended"})

    def __init__(self, calls_url: str, http: httpx.Client | None = None) -> None:
        url = httpx.URL(calls_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError("the helpdesk calls URL must be an absolute http(s) URL")
        self._url = calls_url
        channel_key = url.path.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
        # Posted to as an absolute URL, so the client's base URL plays no part.
        self._api = SinkHttp("helpdesk", http or make_client(""), [calls_url, channel_key])

    def deliver(self, event: CallEvent, remote_id: str | None) -> SinkReceipt:
        if event.kind == "started":
            return self._create_call(event)
        if event.kind == "answered":
            return self._update_call(answered_fields(event, remote_id), remote_id)
        if event.kind == "ended":
            return self._update_call(ended_fields(event, remote_id), remote_id)
        raise TelephonyError(f"helpdesk does not take {event.kind!r} events", permanent=True)

    # Reference: API_REFERENCE.md §5.4
    def _create_call(self, event: CallEvent) -> SinkReceipt:
        response = self._post("create_call", create_fields(event))
        call_id = self._api.decode("create_call", response, WireReply).data.call_id
        if call_id is None:
            raise self._api.error("create_call", "reply has no data.call_id", permanent=True)
        return SinkReceipt(remote_id=str(call_id), response=response.text)

    # Reference: API_REFERENCE.md §5.5
    def _update_call(self, fields: Fields, remote_id: str | None) -> SinkReceipt:
        response = self._post("update_call", fields)
        call_id = self._api.decode("update_call", response, WireReply).data.call_id
        return SinkReceipt(
            remote_id=remote_id if call_id is None else str(call_id), response=response.text
        )

    def _post(self, action: str, fields: Fields) -> httpx.Response:
        # httpx encodes multipart only when given files; a part without a filename is a plain
        # form field, exactly what the doc's `curl --form` sends.
        parts = [(name, (None, value)) for name, value in fields]
        response = self._api.request(action, "POST", self._url, files=parts)
        if not response.is_success:
            status = response.status_code
            raise self._api.error(action, f"HTTP {status}", permanent=is_permanent(status))
        return response


def create_fields(event: CallEvent) -> Fields:
    call = event.call
    fields = [
        ("action", "create_call"),
        ("direction", DIRECTIONS[call.direction]),
        ("phone", customer_phone(call)),
        ("call_status", "ringing"),
        ("pbx_call_id", vendor_call_id(call)),
    ]
    # Only one of user_ids[] / group_ids[] / pbx_user_ids[] may be sent, and the PBX extension
    # is the one we know. Without it the card is shown to everyone with telephony access.
    if event.agent_extension:
        fields.append(("pbx_user_ids[]", event.agent_extension))
    return fields


def answered_fields(event: CallEvent, remote_id: str | None) -> Fields:
    return update_fields(event, remote_id, "in-progress")


def ended_fields(event: CallEvent, remote_id: str | None) -> Fields:
    fields = update_fields(event, remote_id, FINAL_STATUSES[final_outcome(event)])
    if event.recording_url:
        fields.append(("comment", f"Recording: {event.recording_url}"))
    return fields


def update_fields(event: CallEvent, remote_id: str | None, status: str) -> Fields:
    # Exactly one of each pair (§5.5): call_id or pbx_call_id, user_id or pbx_user_id.
    key = ("call_id", remote_id) if remote_id else ("pbx_call_id", vendor_call_id(event.call))
    fields = [("action", "update_call"), key, ("call_status", status)]
    if event.agent_extension:
        fields.append(("pbx_user_id", event.agent_extension))
    return fields


def final_outcome(event: CallEvent) -> Outcome:
    """The event's outcome; a producer that left it out still gets answered or missed."""
    if event.outcome is not None:
        return event.outcome
    return "answered" if event.call.answered_at is not None else "missed"


def customer_phone(call: Call) -> str:
    """The doc's "user's phone number" is the customer's: who called in, or whom we called."""
    return call.caller if call.direction == "inbound" else call.callee


def vendor_call_id(call: Call) -> str:
    return call.id.removeprefix(f"{call.source}:")
