"""``/_sim/virtualats/...``: drive the VirtualATS centre one event at a time (freeze it first).

A call started here rings at once (CRM event NEW), answering it sends UPDATE, hanging it up
HANGUP; ``/_sim/freeze`` stops the centre's own calls from getting in the way.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from telephony.simulator.protocol import HttpError
from telephony.simulator.virtualats_wire import STATUSES

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from telephony.simulator.callcentre import Call
    from telephony.simulator.virtualats_wire import VirtualAtsSim

    Control = Callable[[re.Match[str], Mapping[str, Any]], dict[str, Any]]

BASE = "/_sim/virtualats"


def controls(sim: VirtualAtsSim) -> tuple[tuple[str, re.Pattern[str], Control], ...]:
    """(method, path pattern, handler) entries for the simulator's control table."""

    def state(match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
        now = sim.centre.now
        calls = [sim.records.render(call, now) for call in live_calls(sim)]
        return {"now": now, "extensions": sim.accounts(), "calls": calls}

    def ring(match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
        phone = body.get("phone")
        if phone is not None and (not isinstance(phone, str) or not phone.isdigit()):
            raise HttpError(HTTPStatus.BAD_REQUEST, '"phone" must be a string of digits')
        return {"call_id": forced(lambda: sim.centre.ring_extension(match["number"], phone))}

    def status(match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
        value = body.get("status")
        if value not in STATUSES:
            reason = f'"status" must be one of {", ".join(STATUSES)}'
            raise HttpError(HTTPStatus.BAD_REQUEST, reason)
        forced(lambda: sim.set_status(match["number"], value))
        return {"number": match["number"], "status": value}

    def answer(match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
        forced(lambda: sim.centre.answer(match["call_id"]))
        return {"call_id": match["call_id"], "answered": True}

    def hang_up(match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
        if not sim.centre.hang_up(match["call_id"]):
            raise HttpError(HTTPStatus.NOT_FOUND, f"no call {match['call_id']} in progress")
        return {"call_id": match["call_id"], "ended": True}

    return (
        ("GET", re.compile(rf"{BASE}/state"), state),
        ("POST", re.compile(rf"{BASE}/extensions/(?P<number>\d+)/calls"), ring),
        ("POST", re.compile(rf"{BASE}/extensions/(?P<number>\d+)/status"), status),
        ("POST", re.compile(rf"{BASE}/calls/(?P<call_id>\w+)/answer"), answer),
        ("POST", re.compile(rf"{BASE}/calls/(?P<call_id>\w+)/hangup"), hang_up),
    )


def forced(change: Callable[[], Any]) -> Any:
    """Run an engine control, turning its errors into HTTP answers."""
    try:
        return change()
    except KeyError as exc:
        raise HttpError(HTTPStatus.NOT_FOUND, str(exc.args[0])) from None
    except ValueError as exc:  # the engine's "busy", "logged out", "not ringing"
        raise HttpError(HTTPStatus.CONFLICT, str(exc)) from None


def live_calls(sim: VirtualAtsSim) -> list[Call]:
    on_phones = [agent.call for agent in sim.centre.agents if agent.call is not None]
    waiting = [call for queue in sim.centre.queues for call in queue.waiting if call.agent is None]
    return on_phones + waiting
