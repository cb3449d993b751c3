"""Voicenter "Active Calls" wire format: the simulated centre as monapisec.voicenter.co.il shows it.

Field names, casing and types follow API_REFERENCE.md §2 and the doc's own examples in
fixtures.json. Errors travel in the body with HTTP 200, as the doc shows them.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from telephony.simulator.callcentre import Agent, Call, CallCentre, Queue

PREFIX = "/voicenter/comet/API/"

# The doc pairs ERR 1 with "Authorization failed" and ERR 2 with "Internal error"; keep its words.
AUTHORIZATION_FAILED: dict[str, Any] = {"ERR": 1, "DESC": "Authorization failed"}
INTERNAL_ERROR: dict[str, Any] = {"ERR": 2, "DESC": "Internal error"}


def respond(
    centre: CallCentre, endpoint: str, params: Mapping[str, Any], *, code: str
) -> dict[str, Any] | None:
    """Answer one API call (GET query or POST-JSON body); None for an unknown endpoint."""
    known = _ENDPOINTS.get(endpoint)
    if known is None:
        return None
    given = params.get("code")
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), code.encode()):
        return dict(AUTHORIZATION_FAILED)
    filter_name, render = known
    selected = params.get(filter_name)
    if selected in (None, ""):
        return render(centre, None)
    if isinstance(selected, bool) or not isinstance(selected, str | int):
        return dict(INTERNAL_ERROR)
    return render(centre, str(selected))


def extensions_calls(centre: CallCentre, extension: str | None = None) -> dict[str, Any]:
    """GetExtensionsCalls: every extension, or only the one whose SIP username is given."""
    if extension is None:
        agents = list(centre.agents)
    else:
        agent = centre.find_agent(extension)
        if agent is None:
            return dict(INTERNAL_ERROR)
        agents = [agent]
    return {"ERR": 0, "DESC": "OK", "EXTENSIONS": [_extension(agent) for agent in agents]}


def queues_callers(centre: CallCentre, queue: str | None = None) -> dict[str, Any]:
    """GetQueuesCallers: every queue, or only the one whose numeric ID is given."""
    if queue is None:
        queues = list(centre.queues)
    else:
        found = centre.find_queue(int(queue)) if queue.isdigit() else None
        if found is None:
            return dict(INTERNAL_ERROR)
        queues = [found]
    now = centre.now
    return {"ERR": 0, "DESC": "OK", "QUEUES": [_queue(found, now) for found in queues]}


def _extension(agent: Agent) -> dict[str, Any]:
    return {
        "name": agent.name,
        # The doc's example repeats the display name here, even when nobody is logged in.
        "representative": agent.name,
        "username": agent.username,
        "extensionID": agent.extension_id,
        "userID": agent.user_id,
        "onlineUserID": agent.online_user_id,
        "onlineUserStatus": agent.status,
        "calls": [] if agent.call is None else [_call(agent.call, agent.username)],
    }


def _call(call: Call, username: str) -> dict[str, Any]:
    return {
        "callStarted": int(call.started),
        "callAnswered": int(call.answered_at),
        "answered": 1 if call.answered_at else 0,
        "callername": call.caller_name,
        "callerphone": call.phone,
        "callstatus": call.status,
        "customdata": {},
        "direction": call.direction,
        "ivrid": call.call_id,
        "recording": {
            "Filename": _recording_filename(call, username),
            # Inverted, as the doc states: 0 means the call IS being recorded.
            "IsMuted": 0 if call.recorded else 1,
        },
        "did": call.did,
    }


def _recording_filename(call: Call, username: str) -> str:
    # As in the doc's example: "<ivrid>-aws-<SIP username>-972<number without its 0>.mp3".
    return f"{call.call_id}-aws-{username}-972{call.phone[1:]}.mp3"


def _queue(queue: Queue, now: float) -> dict[str, Any]:
    return {
        "Name": queue.name,
        "ID": queue.id,
        "Weight": queue.weight,
        "Callers": [
            {
                "Phone": call.phone,
                "CallID": call.call_id,
                "JoinTime": int(call.started),
                "Duration": max(0, int(now - call.started)),
            }
            for call in queue.waiting
        ],
    }


_ENDPOINTS: dict[str, tuple[str, Callable[[CallCentre, str | None], dict[str, Any]]]] = {
    "GetExtensionsCalls": ("extension", extensions_calls),
    "GetQueuesCallers": ("queue", queues_callers),
}
