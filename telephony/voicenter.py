"""Voicenter: extensions and queues from "Active Calls", and pausing agents by their status.

Reference: API_REFERENCE.md §2 (seed 002, monapisec.voicenter.co.il/comet/API); pause and
unpause use SetStatusFromAPI (PUBLIC_CLIENTS.md §2). The wire is in ``telephony.voicenter_api``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telephony.base import PbxClient
from telephony.http import make_client
from telephony.model import Agent, AgentState, Call, CallStatus, Queue, Snapshot, WaitingCaller
from telephony.voicenter_api import (
    ExtensionsResponse,
    QueuesResponse,
    WireCall,
    WireExtension,
    WireQueue,
    active_calls,
)
from telephony.voicenter_status import LOGIN, LOGOUT, OTHER, PAUSE_REASONS, change_status

if TYPE_CHECKING:
    import httpx

    from telephony.base import ActionResult

__all__ = ["PAUSE_REASONS", "VoicenterClient"]

log = logging.getLogger(__name__)

SOURCE = "voicenter"

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


class VoicenterClient(PbxClient):
    source = SOURCE

    def __init__(
        self,
        code: str,
        base_url: str,
        http: httpx.Client | None = None,
        status_api_url: str = "https://api.voicenter.com",
        pause_status: int = OTHER,
    ) -> None:
        """``status_api_url``: where SetStatusFromAPI lives (another host than Active Calls);
        ``pause_status``: the onlineUserStatus a pause sets (any break code of the account)."""
        if pause_status in (LOGIN, LOGOUT) or pause_status < 1:
            raise ValueError(f"pause_status must be a break status code, not {pause_status}")
        self._code = code
        self._http = http or make_client(base_url)
        self._status_api_url = status_api_url
        self._pause_status = pause_status

    def fetch_snapshot(self, now: float) -> Snapshot:
        body = {"code": self._code}
        extensions = active_calls(self._http, "GetExtensionsCalls", ExtensionsResponse, body)
        queues = active_calls(self._http, "GetQueuesCallers", QueuesResponse, body)
        return normalise(extensions.EXTENSIONS or [], queues.QUEUES or [])

    # Reference: PUBLIC_CLIENTS.md §2 (SetStatusFromAPI); no queue pause exists, so a pause is a
    # break status for the whole extension.
    def pause(self, agent: Agent) -> ActionResult:
        return self._set_status(agent, self._pause_status)

    # Reference: PUBLIC_CLIENTS.md §2 (SetStatusFromAPI)
    def unpause(self, agent: Agent) -> ActionResult:
        return self._set_status(agent, LOGIN)

    def _set_status(self, agent: Agent, status: int) -> ActionResult:
        sip = agent.extension.strip()
        if agent.source != SOURCE or not sip:
            raise ValueError(f"{agent.id} is not a Voicenter extension")
        return change_status(self._http, self._code, self._status_api_url, sip, status)


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
