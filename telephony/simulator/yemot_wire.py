"""Yemot wire format: a third simulated centre as www.call2all.co.il/ym/api shows it.

References: API_REFERENCE.md §4 and PUBLIC_CLIENTS.md §1. Queues are the extensions ``/1``,
``/2``, ...; members are SIP accounts of the system (``0773137770``...) and, every fifth, a mobile
number the queue rings directly, which has no SIP account. Every answer is HTTP 200 with its
verdict in ``responseStatus``. With ``odd_shapes`` on, GetQueueRealTime and GetSmsIncomingLog
send what the public clients' coercion suggests can travel: numbers and booleans as strings,
empty lists as ``{}``, another date format and a field nobody knows.
"""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telephony.simulator.callcentre import (
    HOLD,
    LOGIN,
    LOGOUT,
    RINGING,
    VOICENTER,
    CallCentre,
    Dialect,
)
from telephony.simulator.protocol import Reply
from telephony.simulator.yemot_commands import bridging, error, kick, ok, set_paused
from telephony.simulator.yemot_sms import SmsLog

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from telephony.simulator.callcentre import Agent, Call, CallEvent, Queue
    from telephony.simulator.protocol import Request

    Endpoint = Callable[["YemotSim", "Request"], dict[str, Any]]

PREFIX = "/yemot/ym/api/"
SYSTEM = "0773137770"  # the doc's example system and SIP account number
SIP_PREFIX = SYSTEM[:-2]
ZONE = ZoneInfo("Asia/Jerusalem")
LAST_CALL = "%m/%d/%Y, %I:%M:%S %p"  # as the public client parses LastCall
BAD_TOKEN = "token is not valid or has expired"
JSON = "application/json"


def _member_name(index: int) -> str:
    if index % 5 == 4:
        return f"052{4000000 + index}"  # a mobile number the queue rings: no SIP account
    return f"{SIP_PREFIX}{70 + index}"


DIALECT = Dialect(
    username=_member_name,
    name=lambda rng, index: _member_name(index),  # Yemot knows members only by this name
    contact=VOICENTER.contact,
    phone=VOICENTER.phone,
    did=lambda rng: SYSTEM,
    call_id=lambda rng, stamp, sequence: f"{rng.getrandbits(128):032x}",  # 32 hex, as the doc's
)


def new_centre(agents: int = 6, queues: int = 2, seed: int = 1, speed: float = 1.0) -> CallCentre:
    return CallCentre(agents=agents, queues=queues, seed=seed, speed=speed, dialect=DIALECT)


class YemotSim:
    """The API under ``PREFIX`` over one centre; the controls are in yemot_controls."""

    def __init__(self, centre: CallCentre, *, token: str = "sim-system:sim-password") -> None:
        self.centre = centre
        self.odd_shapes = False
        self.paths = {f"/{index + 1}": queue for index, queue in enumerate(centre.queues)}
        self.sms = SmsLog(centre.seed)
        # Yemot takes "system:password" as a token in itself, and Login trades it for a session.
        self._token = token
        self._sessions: set[str] = set()
        self._completed: Counter[int] = Counter()
        self._abandoned: Counter[int] = Counter()
        self._taken: Counter[str] = Counter()
        self._last_call: dict[str, float] = {}
        centre.listener = self._on_call

    def respond(self, endpoint: str, request: Request) -> Reply | None:
        handler = _ENDPOINTS.get(endpoint)
        if handler is None:
            return None
        if endpoint != "Login" and not self._authorised(request.params.get("token")):
            return Reply.json(error(BAD_TOKEN, "FORBIDDEN"))
        return Reply.json(handler(self, request))

    def expire_sessions(self) -> int:
        expired, self._sessions = len(self._sessions), set()
        return expired

    def queue_of(self, params: Mapping[str, Any]) -> Queue | None:
        return self.paths.get(str(params.get("queuePath") or ""))

    def member(self, agent: Agent, queue: Queue) -> dict[str, Any]:
        last = self._last_call.get(agent.username)
        paused = queue.id in agent.paused_queues or agent.status not in (LOGIN, LOGOUT)
        return {
            "agent": agent.username,
            "Status": device_state(agent),
            "CallsTaken": self._number(self._taken[agent.username]),
            "LastCall": None if last is None else _local(last).strftime(LAST_CALL),
            "LastCallUnitTime": str(int(last or 0)),
            "Paused": ("1" if paused else "0") if self.odd_shapes else paused,
            "Penalty": "0",
        }

    def entry(self, call: Call, position: int) -> dict[str, Any]:
        wait = max(0, int(self.centre.now - call.started))
        return {
            "phone": call.phone,
            "Wait": self._number(wait),
            "WaitAgo": f"{wait // 3600}:{wait // 60 % 60:02d}:{wait % 60:02d}",
            "Position": self._number(position),
            "CallId": call.call_id,
        }

    def queue_data(self, queue: Queue) -> dict[str, Any]:
        counts = {
            "Abandoned": self._abandoned[queue.id],
            "Calls": len(queue.waiting),
            "Completed": self._completed[queue.id],
            "TalkTime": 0,
            "Holdtime": 0,
            "Max": 0,
        }
        return {**{k: self._number(v) for k, v in counts.items()}, "Strategy": "rrmemory"}

    def listed(self, items: list[dict[str, Any]]) -> list[dict[str, Any]] | dict[str, Any]:
        """Asterisk renders an empty list as ``{}``: so do odd shapes."""
        return items if items or not self.odd_shapes else {}

    def _number(self, value: int) -> int | str:
        return str(value) if self.odd_shapes else value

    def _authorised(self, token: object) -> bool:
        return isinstance(token, str) and (token == self._token or token in self._sessions)

    def log_in(self, username: object, password: object) -> dict[str, Any]:
        if f"{username}:{password}" != self._token or ":" not in self._token:
            return error("user name or password do not match", "FORBIDDEN")
        session = secrets.token_hex(8)
        self._sessions.add(session)
        return ok(token=session)

    def _on_call(self, event: CallEvent, call: Call) -> None:
        if call.queue_id is None:
            return
        if event == "answered":
            self._completed[call.queue_id] += 1
            if call.agent is not None:
                self._taken[call.agent] += 1
                self._last_call[call.agent] = call.answered_at
        elif event == "ended" and not call.answered_at:
            self._abandoned[call.queue_id] += 1


def device_state(agent: Agent) -> str:
    """Asterisk's device state code: 1 not in use, 2 in use, 5 unavailable, 6 ringing, 8 hold."""
    if agent.status == LOGOUT:
        return "5"
    if agent.call is None:
        return "1"
    return {RINGING: "6", HOLD: "8"}.get(agent.call.status, "2")


def _local(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, ZONE)


# Reference: PUBLIC_CLIENTS.md §1c (Login)
def login(sim: YemotSim, request: Request) -> dict[str, Any]:
    return sim.log_in(request.params.get("username"), request.params.get("password"))


# Reference: PUBLIC_CLIENTS.md §1a (GetQueueRealTime)
def queue_real_time(sim: YemotSim, request: Request) -> dict[str, Any]:
    queue = sim.queue_of(request.params)
    if queue is None:
        return error("queue not found")
    members = [sim.member(agent, queue) for agent in queue.members]
    entries = [sim.entry(call, position) for position, call in enumerate(queue.waiting, 1)]
    extra = {"Interface": "Local/queue"} if sim.odd_shapes else {}
    return ok(
        queueData={**sim.queue_data(queue), **extra},
        members=sim.listed(members),
        entries=sim.listed(entries),
    )


# Reference: API_REFERENCE.md §4.2. "Accepts an array, so only POST with a JSON body".
def queue_management(sim: YemotSim, request: Request) -> dict[str, Any]:
    is_json = request.headers.get("content-type", "").startswith(JSON)
    if request.method != "POST" or not is_json:
        return error("QueueManagement takes only POST with a JSON body")
    queue, action = sim.queue_of(request.params), request.params.get("action")
    if queue is None:
        return error("queue not found")
    if action == "kick":
        return kick(sim, queue, request.params)
    if action in ("pause", "unpause"):
        return set_paused(sim, queue, request.params.get("agent"), action == "pause")
    return error(f"unknown action {action!r}")


# Reference: API_REFERENCE.md §4.7
def sip_accounts(sim: YemotSim, request: Request) -> dict[str, Any]:
    accounts = [
        {
            "userName": agent.username,
            "createdDate": "2021-06-26 23:00:00",
            "registered": agent.status != LOGOUT,
        }
        for agent in sim.centre.agents
        if agent.username.startswith(SIP_PREFIX)
    ]
    return ok(accounts=accounts)


# Reference: API_REFERENCE.md §4.5
def extension_bridging(sim: YemotSim, request: Request) -> dict[str, Any]:
    return bridging(sim, request.params)


# Reference: API_REFERENCE.md §4.8
def sms_incoming_log(sim: YemotSim, request: Request) -> dict[str, Any]:
    limit = str(request.params.get("limit") or "")
    rows = sim.sms.rows(sim.centre.now, int(limit) if limit.isdigit() else None, sim.odd_shapes)
    return ok(rows=sim.listed(rows))


_ENDPOINTS: dict[str, Endpoint] = {
    "Login": login,
    "GetQueueRealTime": queue_real_time,
    "QueueManagement": queue_management,
    "GetSipAccountsRegisteredStatus": sip_accounts,
    "CallExtensionBridging": extension_bridging,
    "GetSmsIncomingLog": sms_incoming_log,
}
