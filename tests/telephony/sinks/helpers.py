"""Call events to deliver, and a MockTransport handler that keeps what the sinks sent."""

from __future__ import annotations

from typing import Any

import httpx

from telephony.model import Call, CallEvent, CallStatus, LifecycleKind, Outcome
from telephony.simulator.receivers_helpdesk import parse_form

T0 = 1_597_824_970.0  # 2020-08-19T08:16:10Z, the Mango doc's dateStart
VENDOR_CALL_ID = "3489655c982f4e46b9c9ca975b031781"
CALL_ID = f"virtualats:{VENDOR_CALL_ID}"
STATUSES: dict[LifecycleKind, CallStatus] = {
    "started": "ringing",
    "answered": "talking",
    "ended": "ended",
    "recording": "ended",
}


def call_event(
    kind: LifecycleKind,
    *,
    agent_extension: str = "101",
    outcome: Outcome | None = None,
    recording_url: str = "",
    occurred_at: float = T0 + 10,
    **call: Any,
) -> CallEvent:
    """An inbound VirtualATS call from an Israeli mobile to extension 101, ringing at T0."""
    fields: dict[str, Any] = {
        "id": CALL_ID,
        "source": "virtualats",
        "direction": "inbound",
        "status": STATUSES[kind],
        "caller": "0501234567",
        "callee": "101",
        "did": "+972722776772",
        "started_at": T0,
        **call,
    }
    return CallEvent(
        kind=kind,
        call=Call(**fields),
        occurred_at=occurred_at,
        agent_extension=agent_extension,
        outcome=outcome,
        recording_url=recording_url,
    )


class Recorder:
    """Answers each request with the next of ``replies`` (an exception is raised instead), and
    keeps the requests in ``seen``."""

    def __init__(self, *replies: httpx.Response | Exception) -> None:
        self.replies = list(replies)
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    @property
    def request(self) -> httpx.Request:
        [request] = self.seen
        return request


def form_of(request: httpx.Request) -> list[tuple[str, str]]:
    """The multipart fields a request carried, in order (repeated names kept)."""
    return list(parse_form(request.headers["content-type"], request.read()))


def json_reply(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body)
