"""Voicenter "Active Calls": read-only monitoring of extensions and queues.

Reference: API_REFERENCE.md §2 (seed 002, monapisec.voicenter.co.il/comet/API).
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

import httpx
import msgspec

from telephony.base import PbxClient, TelephonyError
from telephony.http import describe_http_error, make_client
from telephony.model import Agent, AgentState, Call, CallStatus, Queue, Snapshot, WaitingCaller

log = logging.getLogger(__name__)

SOURCE = "voicenter"

# onlineUserStatus as the doc lists it; accounts can define more in their management UI,
# so an unlisted code is shown as "Status <n>" rather than rejected.
LOGIN, LOGOUT = 1, 2
PAUSE_REASONS = {
    3: "Lunch break",
    5: "Administrative time",
    7: "Short break",
    9: "Other",
    11: "Training",
    12: "Group meeting",
    13: "Briefing",
}

# The doc types callstatus as a string but lists both numbers and names; accept either.
CALL_STATUSES: dict[str, CallStatus] = {
    "1": "ringing",
    "ringing": "ringing",
    "2": "dialing",
    "dialing": "dialing",
    "3": "talking",
    "talking": "talking",
    "4": "hold",
    "hold": "hold",
}
# When an agent has several calls, the tile shows the most engaged one.
_CALL_PRIORITY: tuple[CallStatus, ...] = ("talking", "hold", "dialing", "ringing")


class WireCall(msgspec.Struct):
    ivrid: str
    callStarted: int
    callAnswered: int
    callerphone: str
    callstatus: int | str
    direction: str
    callername: str = ""
    did: str = ""
    # Typed "array" in the doc, an object in its example: take either, read leniently.
    recording: dict[str, Any] | list[Any] | None = None


class WireExtension(msgspec.Struct):
    username: str
    name: str
    onlineUserStatus: int
    calls: list[WireCall]  # the doc says "integer"; it is an array
    representative: str = ""


class WireCaller(msgspec.Struct):
    CallID: str
    Phone: str
    JoinTime: int


class WireQueue(msgspec.Struct):
    ID: int
    Name: str
    Callers: list[WireCaller]
    Weight: int = 0


class ExtensionsResponse(msgspec.Struct):
    ERR: int
    DESC: str = ""
    EXTENSIONS: list[WireExtension] | None = None


class QueuesResponse(msgspec.Struct):
    ERR: int
    DESC: str = ""
    QUEUES: list[WireQueue] | None = None


R = TypeVar("R", ExtensionsResponse, QueuesResponse)


class VoicenterClient(PbxClient):
    source = SOURCE

    def __init__(self, code: str, base_url: str, http: httpx.Client | None = None) -> None:
        self._code = code
        self._http = http or make_client(base_url)

    def fetch_snapshot(self, now: float) -> Snapshot:
        extensions = self._call("GetExtensionsCalls", ExtensionsResponse).EXTENSIONS or []
        queues = self._call("GetQueuesCallers", QueuesResponse).QUEUES or []
        return normalise(extensions, queues)

    def _call(self, method: str, shape: type[R]) -> R:
        # POST-JSON rather than GET keeps the organisation code out of URLs and access logs.
        try:
            response = self._http.post(f"/{method}", json={"code": self._code})
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise TelephonyError(f"Voicenter {method}: {describe_http_error(exc)}") from exc
        result = decode(method, response.content, shape)
        if result.ERR != 0:
            # ERR 1 comes with "Authorization failed": a wrong code will not fix itself.
            raise TelephonyError(
                f"Voicenter {method}: ERR {result.ERR} {result.DESC}".rstrip(),
                permanent=result.ERR == 1,
            )
        return result


def decode(method: str, body: bytes, shape: type[R]) -> R:
    try:
        return msgspec.json.decode(body, type=shape)
    except msgspec.ValidationError as exc:
        raise TelephonyError(f"Voicenter {method}: unexpected response: {exc}") from exc
    except msgspec.DecodeError as exc:
        raise TelephonyError(f"Voicenter {method}: malformed JSON: {exc}") from exc


def normalise(extensions: list[WireExtension], queues: list[WireQueue]) -> Snapshot:
    snapshot = Snapshot(source=SOURCE)
    for extension in extensions:
        agent_id = f"{SOURCE}:{extension.username}"
        calls = [to_call(call, agent_id, extension.username) for call in extension.calls]
        for call in calls:
            snapshot.calls[call.id] = more_engaged(snapshot.calls.get(call.id), call)
        snapshot.agents[agent_id] = to_agent(extension, agent_id, calls)
    for queue in queues:
        snapshot.queues[f"{SOURCE}:{queue.ID}"] = to_queue(queue)
    return snapshot


def to_agent(extension: WireExtension, agent_id: str, calls: list[Call]) -> Agent:
    state, reason = presence(extension.onlineUserStatus)
    since = None
    if calls and state != "offline":
        call = min(calls, key=lambda c: _CALL_PRIORITY.index(c.status))
        state = call.status
        since = state_started(call)
    return Agent(
        id=agent_id,
        source=SOURCE,
        extension=extension.username,
        name=extension.representative or extension.name,
        state=state,
        state_reason=reason,
        state_since=since,
        call_ids=[call.id for call in calls],
    )


def state_started(call: Call) -> float | None:
    """When the agent entered the call's state, where Voicenter's epochs say so.

    callStarted is when the customer's call began (queue wait included), so it dates a dialing
    call but not a ringing one; ringing and hold are dated by the first poll that sees them.
    """
    if call.status == "talking":
        return call.answered_at
    if call.status == "dialing":
        return call.started_at
    return None


def presence(code: int) -> tuple[AgentState, str]:
    if code == LOGIN:
        return "available", ""
    if code == LOGOUT:
        return "offline", ""
    if code in PAUSE_REASONS:
        return "paused", PAUSE_REASONS[code]
    return "unknown", f"Status {code}"


def to_call(call: WireCall, agent_id: str, extension: str) -> Call:
    inbound = call.direction.lower() == "incoming"
    return Call(
        id=f"{SOURCE}:{call.ivrid}",
        source=SOURCE,
        direction="inbound" if inbound else "outbound",
        status=call_status(call),
        caller=call.callerphone if inbound else extension,
        callee=(call.did or extension) if inbound else call.callerphone,
        did=call.did,
        agent_id=agent_id,
        started_at=call.callStarted or None,
        answered_at=call.callAnswered or None,  # 0 means "not answered"
        recording=is_recorded(call.recording),
    )


def call_status(call: WireCall) -> CallStatus:
    status = CALL_STATUSES.get(str(call.callstatus).strip().lower())
    if status is None:
        log.warning("Voicenter call %s has unknown callstatus %r", call.ivrid, call.callstatus)
        status = "talking" if call.callAnswered else "ringing"
    return status


def is_recorded(recording: dict[str, Any] | list[Any] | None) -> bool:
    # IsMuted is inverted in the doc: 0 means the call IS being recorded.
    if not isinstance(recording, dict) or not recording.get("Filename"):
        return False
    return recording.get("IsMuted") in (0, "0")


def more_engaged(existing: Call | None, candidate: Call) -> Call:
    """A ringing call offered to several extensions appears once per extension."""
    if existing is None:
        return candidate
    rank = _CALL_PRIORITY.index
    return candidate if rank(candidate.status) < rank(existing.status) else existing


def to_queue(queue: WireQueue) -> Queue:
    waiting = [
        WaitingCaller(call_id=f"{SOURCE}:{c.CallID}", phone=c.Phone, joined_at=c.JoinTime)
        for c in queue.Callers
    ]
    return Queue(
        id=f"{SOURCE}:{queue.ID}",
        source=SOURCE,
        name=queue.Name,
        weight=queue.Weight,
        waiting=sorted(waiting, key=lambda w: w.joined_at),
    )
