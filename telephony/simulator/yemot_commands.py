"""The simulated Yemot's commands: QueueManagement's kick / pause / unpause, and bridging.

References: API_REFERENCE.md §4.2 and §4.5, with the doc's own answers (fixtures.json
``yemot.QueueManagement.kick``, ``yemot.CallExtensionBridging.assembled``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from telephony.simulator.callcentre import LOGIN, LOGOUT

if TYPE_CHECKING:
    from collections.abc import Mapping

    from telephony.simulator.callcentre import Queue
    from telephony.simulator.yemot_wire import YemotSim

VERSION = {"yAfastVersion": "6.6.20"}  # as in the doc's QueueManagement example
NOT_FOUND = "Call not found"
MAX_NUMBERS, MAX_TIMEOUT, DEFAULT_TIMEOUT = 500, 35, 30
_GOTO = re.compile(r"GOTO:(?P<path>/\S*)")
_PHONE = re.compile(r"0\d{8,9}|972\d{8,9}")  # Israeli national, or with the country code


def ok(**fields: Any) -> dict[str, Any]:
    return {"responseStatus": "OK", **VERSION, **fields}


def error(message: str, status: str = "ERROR") -> dict[str, Any]:
    return {"responseStatus": status, "message": message, **VERSION}


def kick(sim: YemotSim, queue: Queue, params: Mapping[str, Any]) -> dict[str, Any]:
    """Each caller waiting in this queue leaves it ("OK"), to ``GOTO:<path>`` if given (another
    queue's path puts them in that queue); any other id is "Call not found"."""
    call_ids, more_data = params.get("callIds"), params.get("moreData")
    if not isinstance(call_ids, list) or not call_ids:
        return error("callIds is required for kick")
    goto = _GOTO.fullmatch(more_data) if isinstance(more_data, str) else None
    if more_data is not None and goto is None:
        return error("moreData must be GOTO:<path>")
    target = sim.paths.get(goto["path"]) if goto else None
    status: dict[str, str] = {}
    for call_id in map(str, call_ids):
        call = sim.centre.find_call(call_id)
        if call is None or call.queue_id != queue.id or call.answered_at:
            status[call_id] = NOT_FOUND
            continue
        sim.centre.hang_up(call_id)
        if target is not None:
            sim.centre.add_caller(target.id, call.phone)
        status[call_id] = "OK"
    return ok(status=status)


def set_paused(sim: YemotSim, queue: Queue, agent: object, paused: bool) -> dict[str, Any]:
    member = next((a for a in queue.members if a.username == agent), None)
    if member is None:
        return error("agent is not a member of this queue")
    sim.centre.pause_member(member.username, queue.id, paused)
    # A break in the engine is a pause in every queue: unpausing ends it.
    if not paused and member.status not in (LOGIN, LOGOUT):
        sim.centre.set_agent_status(member.username, LOGIN)
    return ok()


def bridging(sim: YemotSim, params: Mapping[str, Any]) -> dict[str, Any]:
    """Every valid number answers at once and enters ``ivrPath``: a queue's path adds it there
    as a waiting caller; any other extension just takes the call."""
    phones = phone_list(params.get("phones"))
    timeout = str(params.get("callsTimeOut") or DEFAULT_TIMEOUT)
    ivr_path = str(params.get("ivrPath") or "")
    if not phones or len(phones) > MAX_NUMBERS:
        return error(f"phones must list 1 to {MAX_NUMBERS} numbers")
    if not timeout.isdigit() or not 1 <= int(timeout) <= MAX_TIMEOUT:
        return error(f"callsTimeOut must be at most {MAX_TIMEOUT}")
    if not ivr_path.startswith("ivr2:/"):
        return error("ivrPath must look like ivr2:/1")
    queue = sim.paths.get(ivr_path.removeprefix("ivr2:"))
    valid = [phone for phone in phones if _PHONE.fullmatch(phone)]
    if queue is not None:
        for phone in valid:
            sim.centre.add_caller(queue.id, phone)
    return ok(
        module="queue" if queue is not None else "menu",
        callerId=sim.centre.queues[0].did,
        callsCount=len(valid),
        bilingPerCall=1,  # sic
        errors={phone: "not Vaild" for phone in phones if phone not in valid},  # sic
        callsTimeout=int(timeout),
        campaignId=f"YA-1-{sim.centre.queues[0].did}-Yemot-{int(sim.centre.now * 1e6)}",
    )


def phone_list(raw: object) -> list[str]:
    """A JSON array of numbers, or (GET and forms) numbers separated by ":"."""
    if isinstance(raw, list):
        return [str(phone) for phone in raw]
    return [phone for phone in str(raw or "").split(":") if phone]
