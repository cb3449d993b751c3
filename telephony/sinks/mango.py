"""Mango Office call-tracking for third-party PBXs: each finished call, then its recording.

Reference: API_REFERENCE.md §6 (seed 004).

Choices where the doc is silent or ambiguous:

* The token goes in ``Authorization: Bearer`` (one of the two documented ways), never in the
  URL, so it cannot end up in an access log.
* ``widgetId`` is undocumented but in every example, listed next to ``access_token``, which the
  doc calls a query parameter: it is sent as ``?widgetId=`` on every request.
* ``callId`` is our call id, source prefix included: unique across our sources (the doc wants it
  unique within call-tracking) and the same on every retry, so it is the key by which Mango
  can tell a repeat. In the PUT path it is percent-encoded (Yemot ids contain ``/``).
* Numbers are sent as E.164; national ones get ``default_country_code`` (see e164.py).
* ``status: "error"`` is permanent (Mango processed the request and refused it) unless the
  HTTP status or an HTTP-like error code (408, 429, 5xx) says "not now". Codes are undocumented.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote

import msgspec

from telephony.base import Sink, SinkReceipt, TelephonyError
from telephony.http import make_client
from telephony.sinks.e164 import check_country_code, to_e164
from telephony.sinks.sinkhttp import RETRYABLE_STATUSES, SinkHttp, is_permanent

if TYPE_CHECKING:
    import httpx

    from telephony.model import Call, CallEvent

DEFAULT_BASE_URL = "https://widgets-api.mango-office.ru/v1"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # §6.2; the literal Z means UTC


class WireError(msgspec.Struct):
    code: str | int = ""
    message: str = ""


class WireReply(msgspec.Struct):
    status: Literal["ok", "error"]
    # Documented as a required string; a number is taken too rather than failing a delivery that
    # worked. Its absence from an "ok" is checked separately, since an "error" may omit it.
    requestId: str | int | None = None
    error: WireError | None = None


class WireFailure(msgspec.Struct):
    """Any error body, read only to quote it: a non-2xx answer may not be the documented shape."""

    error: WireError | None = None


class MangoSink(Sink):
    name = "mango"
    kinds = frozenset({"ended", "recording"})

    def __init__(
        self,
        token: str,
        widget_id: str,
        base_url: str = DEFAULT_BASE_URL,
        http: httpx.Client | None = None,
        default_country_code: str = "972",
    ) -> None:
        self._auth = {"Authorization": f"Bearer {token}"}
        self._params = {"widgetId": widget_id}
        self._calls_url = base_url.rstrip("/") + "/calltracking/externalCall"
        self._country = check_country_code(default_country_code)
        self._api = SinkHttp("Mango", http or make_client(""), [token])

    def deliver(self, event: CallEvent, remote_id: str | None) -> SinkReceipt:
        if event.kind == "ended":
            return self._notify(event)
        if event.kind == "recording":
            return self._update_recording(event)
        raise TelephonyError(f"Mango does not take {event.kind!r} events", permanent=True)

    # Reference: API_REFERENCE.md §6.2
    def _notify(self, event: CallEvent) -> SinkReceipt:
        body = external_call(event, self._country)
        return self._send("externalCall", "POST", self._calls_url, body)

    # Reference: API_REFERENCE.md §6.3
    def _update_recording(self, event: CallEvent) -> SinkReceipt:
        if not event.recording_url:
            raise TelephonyError("Mango recording: the event has no recording URL", permanent=True)
        url = f"{self._calls_url}/{quote(event.call.id, safe='')}"
        return self._send("recording", "PUT", url, {"recordLink": event.recording_url})

    def _send(self, what: str, method: str, url: str, body: dict[str, str]) -> SinkReceipt:
        response = self._api.request(
            what, method, url, json=body, params=self._params, headers=self._auth
        )
        if not response.is_success:
            detail = f"HTTP {response.status_code}{quoted_failure(response.content)}"
            raise self._api.error(what, detail, permanent=is_permanent(response.status_code))
        reply = self._api.decode(what, response, WireReply)
        if reply.status == "error":
            detail = "refused" + quoted(reply.error)
            raise self._api.error(what, detail, permanent=not is_retryable_code(reply.error))
        if reply.requestId is None:
            raise self._api.error(what, "reply has no requestId", permanent=True)
        return SinkReceipt(remote_id=str(reply.requestId), response=response.text)


def external_call(event: CallEvent, country: str) -> dict[str, str]:
    call = event.call
    ended_at = call.ended_at if call.ended_at is not None else event.occurred_at
    started_at = call.started_at if call.started_at is not None else ended_at
    body = {
        "callId": call.id,
        "dateStart": utc(started_at),
        "dateEnd": utc(ended_at),
        "phoneTo": phone_to(call, country),
    }
    # Optional fields are left out rather than sent empty: the doc's default is the same.
    if phone_from := to_e164(dialling(call), country):
        body["phoneFrom"] = phone_from
    if event.recording_url:
        body["recordLink"] = event.recording_url
    return body


def phone_to(call: Call, country: str) -> str:
    raw = dialled(call)
    number = to_e164(raw, country)
    if number is None:
        detail = f"phoneTo {raw!r} is not a full phone number"
        raise TelephonyError(f"Mango externalCall: {detail}", permanent=True)
    return number


def dialled(call: Call) -> str:
    """Where the call went. Inbound, call-tracking wants the number the customer dialled (the
    tracked DID), not the extension that picked up."""
    return (call.did or call.callee) if call.direction == "inbound" else call.callee


def dialling(call: Call) -> str:
    """Where the call came from; outbound, our line (the DID), since the caller is an extension."""
    return call.caller if call.direction == "inbound" else (call.did or call.caller)


def utc(epoch: float) -> str:
    return time.strftime(DATE_FORMAT, time.gmtime(epoch))


def quoted_failure(body: bytes) -> str:
    try:
        return quoted(msgspec.json.decode(body, type=WireFailure).error)
    except msgspec.DecodeError:
        return ""


def quoted(error: WireError | None) -> str:
    """``": <code>: <message>"``, or nothing when the reply had no error part."""
    return "" if error is None else f": {error.code}: {error.message}"


def is_retryable_code(error: WireError | None) -> bool:
    code = str(error.code) if error else ""
    return code.isdigit() and (int(code) in RETRYABLE_STATUSES or int(code) >= 500)
