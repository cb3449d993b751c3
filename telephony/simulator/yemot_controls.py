"""``/_sim/yemot/...``: drive the Yemot centre and its API's behaviour from tests.

Add a waiting caller to a queue, change a member's status, read the state, end every Login
session (the next request with one is refused, so a client must log in again), and switch the
"odd shapes" a lenient client must survive.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from telephony.simulator.protocol import HttpError
from telephony.simulator.virtualats_controls import forced
from telephony.simulator.yemot_wire import device_state

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from telephony.simulator.callcentre import Queue
    from telephony.simulator.yemot_wire import YemotSim

    Control = Callable[[re.Match[str], Mapping[str, Any]], dict[str, Any]]

BASE = "/_sim/yemot"


def controls(sim: YemotSim) -> tuple[tuple[str, re.Pattern[str], Control], ...]:
    """(method, path pattern, handler) entries for the simulator's control table."""

    def state(match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
        queues = [queue_state(path, queue) for path, queue in sim.paths.items()]
        return {"now": sim.centre.now, "odd_shapes": sim.odd_shapes, "queues": queues}

    def add_caller(match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
        queue = sim.paths.get(f"/{match['number']}")
        phone = body.get("phone")
        if queue is None:
            raise HttpError(HTTPStatus.NOT_FOUND, f"no queue /{match['number']}")
        if phone is not None and (not isinstance(phone, str) or not phone.isdigit()):
            raise HttpError(HTTPStatus.BAD_REQUEST, '"phone" must be a string of digits')
        return {"call_id": sim.centre.add_caller(queue.id, phone)}

    def status(match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
        value = body.get("status")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise HttpError(HTTPStatus.BAD_REQUEST, '"status" must be a positive integer')
        forced(lambda: sim.centre.set_agent_status(match["agent"], value))
        return {"agent": match["agent"], "status": value}

    def expire(match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
        return {"expired": sim.expire_sessions()}

    def odd_shapes(match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(body.get("on"), bool):
            raise HttpError(HTTPStatus.BAD_REQUEST, '"on" must be true or false')
        sim.odd_shapes = body["on"]
        return {"odd_shapes": sim.odd_shapes}

    return (
        ("GET", re.compile(rf"{BASE}/state"), state),
        ("POST", re.compile(rf"{BASE}/queues/(?P<number>\d+)/callers"), add_caller),
        ("POST", re.compile(rf"{BASE}/agents/(?P<agent>\d+)/status"), status),
        ("POST", re.compile(rf"{BASE}/tokens/expire"), expire),
        ("POST", re.compile(rf"{BASE}/odd-shapes"), odd_shapes),
    )


def queue_state(path: str, queue: Queue) -> dict[str, Any]:
    members = [
        {
            "agent": agent.username,
            "status": agent.status,
            "device_state": device_state(agent),
            "paused": queue.id in agent.paused_queues,
        }
        for agent in queue.members
    ]
    waiting = [{"call_id": call.call_id, "phone": call.phone} for call in queue.waiting]
    return {"path": path, "id": queue.id, "members": members, "waiting": waiting}
