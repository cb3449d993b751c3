"""Mango call-tracking's side of §6 (POST and PUT externalCall), as a test double.

It takes the token either way the doc allows (Bearer header or ``access_token``), wants
``widgetId`` in the query, and answers 400 to a body the doc would not accept (missing or
unknown fields, dates not ``YYYY-MM-DDTHH:MM:SSZ``, numbers not E.164).
"""

from __future__ import annotations

import re
from http import HTTPStatus
from itertools import count
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from telephony.simulator.protocol import HttpError, Reply

if TYPE_CHECKING:
    from collections.abc import Mapping

    from telephony.simulator.receivers_record import Ledger

PREFIX = "/mango/v1/calltracking/externalCall"
SERVICE = "mango"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
REQUIRED = {"callId": re.compile(r".+"), "dateStart": _DATE, "dateEnd": _DATE, "phoneTo": _E164}
OPTIONAL = {"phoneFrom": re.compile(f"(?:{_E164.pattern})?"), "recordLink": re.compile(r".*")}


class MangoReceiver:
    def __init__(self, token: str, widget_id: str, ledger: Ledger) -> None:
        self.calls: dict[str, dict[str, str]] = {}  # callId -> what was POSTed, then PUT
        self._token = token
        self._widget_id = widget_id
        self._ledger = ledger
        self._request_ids = count(1)

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: Any,
    ) -> Reply:
        bearer = headers.get("authorization", "").removeprefix("Bearer ")
        if self._token not in (bearer, query.get("access_token")):
            raise HttpError(HTTPStatus.UNAUTHORIZED, "invalid token")
        if query.get("widgetId") != self._widget_id:
            raise HttpError(HTTPStatus.BAD_REQUEST, "widgetId is missing or unknown")
        rest = path.removeprefix(PREFIX)
        if rest == "" and method == "POST":
            self._notify(body)
        elif rest[:1] == "/" and "/" not in rest[1:] and method == "PUT":
            self._update_recording(unquote(rest[1:]), body)
        else:
            raise HttpError(HTTPStatus.NOT_FOUND, f"no {method} method here")
        return Reply.json({"status": "ok", "requestId": self._next_request_id()})

    def error(self, status: HTTPStatus, message: str) -> Reply:
        """The doc's error reply (§6.2); its codes are undocumented, so the HTTP status is used."""
        error = {"code": str(int(status)), "message": message}
        body = {"status": "error", "requestId": self._next_request_id(), "error": error}
        return Reply.json(body, status)

    # Reference: API_REFERENCE.md §6.2
    def _notify(self, body: Any) -> None:
        call = checked(body, REQUIRED, OPTIONAL)
        # "Repeats are allowed": a repeat is answered as usual (and counted by the ledger).
        self.calls[call["callId"]] = call
        self._ledger.delivered(SERVICE, call["callId"], "POST")

    # Reference: API_REFERENCE.md §6.3
    def _update_recording(self, call_id: str, body: Any) -> None:
        link = checked(body, {"recordLink": re.compile(r".+")}, {})["recordLink"]
        if call_id not in self.calls:
            raise HttpError(HTTPStatus.NOT_FOUND, f"unknown callId {call_id!r}")
        self.calls[call_id]["recordLink"] = link
        self._ledger.delivered(SERVICE, call_id, ("PUT", link))

    def _next_request_id(self) -> str:
        return str(next(self._request_ids))


def checked(
    body: Any, required: Mapping[str, re.Pattern[str]], optional: Mapping[str, re.Pattern[str]]
) -> dict[str, str]:
    if not isinstance(body, dict):
        raise HttpError(HTTPStatus.BAD_REQUEST, "the body must be a JSON object")
    if unknown := sorted(set(body) - set(required) - set(optional)):
        raise HttpError(HTTPStatus.BAD_REQUEST, f"unknown fields: {', '.join(unknown)}")
    if missing := sorted(set(required) - set(body)):
        raise HttpError(HTTPStatus.BAD_REQUEST, f"missing fields: {', '.join(missing)}")
    for name, value in body.items():
        pattern = required.get(name) or optional[name]
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise HttpError(HTTPStatus.BAD_REQUEST, f"bad {name}: {value!r}")
    return dict(body)
