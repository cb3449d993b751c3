"""The simulation engine: agents, queues and calls of a call centre evolving over time.

Pure and deterministic: no I/O, no threads, no wall clock. Everything happens as discrete events
taken in time order, and every random draw comes from one ``random.Random(seed)``, so the state
depends only on the seed and on the times given to ``advance``.

Times stored on agents and calls are real epoch seconds, as a vendor reports them. ``speed`` only
shortens the real time between events: at ``speed=60`` a three-minute call lasts three real
seconds, so a board computing durations from the real clock sees the centre in fast-forward.
"""

from __future__ import annotations

import heapq
import itertools
import random
import time
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Callable

# onlineUserStatus codes, as Voicenter's doc lists them (4, 6, 8 and 10 do not exist).
LOGIN, LOGOUT, LUNCH, ADMIN, SHORT_BREAK = 1, 2, 3, 5, 7
OTHER, TRAINING, GROUP_MEETING, BRIEFING = 9, 11, 12, 13
STATUS_NAMES = {
    LOGIN: "Login",
    LOGOUT: "Logout",
    LUNCH: "Lunch",
    ADMIN: "Administrative",
    SHORT_BREAK: "Short break",
    OTHER: "Other",
    TRAINING: "Training",
    GROUP_MEETING: "Group meeting",
    BRIEFING: "Briefing",
}

# Call statuses: Voicenter's callstatus names, plus WAITING for a caller no agent has yet.
WAITING, RINGING, DIALING, TALKING, HOLD = "Waiting", "Ringing", "Dialing", "Talking", "Hold"
INCOMING, OUTGOING = "Incoming", "Outgoing"
# What a listener is told, once per call each: a vendor that pushes events renders these.
CallEvent = Literal["new", "answered", "ended"]

QUEUE_ID_BASE = 12345000
_QUEUE_PROFILES = (("Sales", 5), ("Support", 3), ("Billing", 2), ("VIP", 10))

# Behaviour, in simulated seconds. Tuned so that 60-80% of agents in Login are on a call.
WARMUP = 20 * 60  # history simulated before the first advance, so the board starts busy
LOGGED_OUT_SHARE = 0.1
LOGIN_MEAN = 40 * 60  # mean time logged in before the next break or logout
# What a logged-in agent does next: code -> (weight, shortest, longest stay in minutes).
_AWAY = {
    SHORT_BREAK: (45, 3, 10),
    LUNCH: (10, 20, 40),
    ADMIN: (12, 5, 15),
    OTHER: (8, 2, 10),
    TRAINING: (5, 15, 45),
    GROUP_MEETING: (5, 10, 30),
    BRIEFING: (5, 5, 15),
    LOGOUT: (10, 20, 90),
}
_AWAY_CODES = tuple(_AWAY)
_AWAY_WEIGHTS = tuple(weight for weight, _, _ in _AWAY.values())
ARRIVALS_PER_AGENT = 1 / 370  # inbound callers per agent per second
OUTBOUND_PER_AGENT = 1 / 1000  # outbound attempts per agent per second (only idle agents dial)
RING_SECONDS = (2.0, 8.0)
DIAL_SECONDS = (3.0, 20.0)
OUTBOUND_ANSWER_SHARE = 0.7
INBOUND_TALK = (5.0, 0.6)  # lognormal mu, sigma: median about 150 s
OUTBOUND_TALK = (4.7, 0.6)  # median about 110 s
LONGEST_TALK = 30 * 60
HOLD_SHARE = 0.2
HOLD_SECONDS = (10.0, 60.0)
PATIENCE_MIN, PATIENCE_MEAN = 10.0, 120.0
UNRECORDED_SHARE = 0.1
MOBILE_SHARE = 0.85

_EN_FIRST = ("James", "Emily", "Michael", "Sarah", "David", "Olivia", "Daniel", "Jessica")
_EN_FIRST += ("Matthew", "Hannah", "Thomas", "Laura", "Andrew", "Sophie", "Ryan", "Grace")
_EN_LAST = ("Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clark", "Walker", "Wright")
_EN_LAST += ("Hughes", "Green", "Baker", "Turner", "Parker", "Cooper", "Evans", "Mitchell")
_HE_FIRST = ("דנה", "יוסי", "נועה", "איתי", "מיכל", "אבי", "שירה", "עומר", "תמר", "רון", "יעל")
_HE_FIRST += ("אורי", "מאיה", "גיל", "הילה", "עידו")
_HE_LAST = ("לוי", "כהן", "מזרחי", "פרץ", "ביטון", "דהן", "אברהם", "פרידמן", "אזולאי", "מלכה")
_HE_LAST += ("שפירא", "גולן", "חדד", "רוזן", "קפלן", "שטרן")
_AZ_MALE = ("Əli", "Rəşad", "Elvin", "Tural", "Orxan", "Kamran", "Murad", "Vüqar")
_AZ_FEMALE = ("Aynur", "Günel", "Leyla", "Nərgiz", "Səbinə", "Aysel", "Lalə", "Nigar")
_AZ_LAST = ("Məmmədov", "Əliyev", "Hüseynov", "Quliyev", "Həsənov", "İsmayılov", "Rzayev")
_AZ_LAST += ("Cəfərov", "Abbasov", "Babayev", "Kərimov", "Nəsirov")
# Azerbaijani surnames take -a for women (Məmmədov, Məmmədova).
_NAME_POOLS = (
    (_EN_FIRST, _EN_LAST),
    (_HE_FIRST, _HE_LAST),
    (_AZ_MALE, _AZ_LAST),
    (_AZ_FEMALE, tuple(f"{last}a" for last in _AZ_LAST)),
)
_NAME_POOL_WEIGHTS = (2, 2, 1, 1)


@dataclass(slots=True, eq=False)
class Call:
    """One call; for an incoming call the caller joins its queue when the call starts."""

    call_id: str
    direction: str
    phone: str
    caller_name: str
    did: str
    started: float
    recorded: bool
    queue_id: int | None = None
    status: str = WAITING
    agent: str | None = None  # username of the extension it rings or talks on
    answered_at: float = 0.0  # 0 until answered, as Voicenter's callAnswered
    ended: bool = False
    ended_at: float = 0.0


@dataclass(slots=True, eq=False)
class Agent:
    """An extension and the person logged in to it."""

    username: str
    name: str
    extension_id: int
    user_id: int
    queue_ids: tuple[int, ...]
    status: int = LOGIN
    status_since: float = 0.0
    call: Call | None = None
    idle_since: float = 0.0  # engine time; routing offers callers to the longest idle first
    status_due: float = 0.0  # engine time of the next natural status change
    break_due: bool = False  # a break fell due mid-call: taken when the call ends
    # Queues this member is paused in, as an Asterisk queue pauses one member (Yemot's pause).
    paused_queues: set[int] = field(default_factory=set)

    @property
    def online_user_id(self) -> int:
        # Hot-desking: Voicenter reports who is logged in to the extension, 0 for nobody.
        return 0 if self.status == LOGOUT else self.user_id

    @property
    def available(self) -> bool:
        return self.status == LOGIN and self.call is None


@dataclass(slots=True, eq=False)
class Queue:
    id: int
    name: str
    weight: int  # like Asterisk: callers of heavier queues are served first
    did: str
    members: list[Agent] = field(default_factory=list)
    # In join order. As in an Asterisk ACD, a caller stays listed while ringing, until answered.
    waiting: list[Call] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Dialect:
    """How a vendor's centre names extensions and numbers its calls; every draw from ``rng``."""

    username: Callable[[int], str]  # extension index -> what the vendor calls it
    name: Callable[[random.Random, int], str]
    contact: Callable[[random.Random], str]  # a caller's name, when the PBX knows it
    phone: Callable[[random.Random], str]
    did: Callable[[random.Random], str]
    call_id: Callable[[random.Random, float, int], str]  # (rng, epoch, sequence number)


_Event = tuple[float, int, "Callable[[Any, float], None]", Any]


class CallCentre:
    """A simulated call centre. Call ``advance(now)`` to move it to the epoch time ``now``.

    ``listener``, when set, is called with ("new" | "answered" | "ended", call) as each call
    starts (joins a queue or dials), is answered and ends, inside ``advance`` or a control
    method: it must return quickly and copy what it keeps, as the call object lives on.
    """

    def __init__(
        self,
        agents: int = 20,
        queues: int = 4,
        seed: int = 1,
        speed: float = 1.0,
        *,
        dialect: Dialect | None = None,
    ) -> None:
        if agents < 1 or queues < 1 or speed <= 0:
            raise ValueError("need at least one agent and one queue, and a positive speed")
        self.seed = seed
        self.speed = speed
        self.dialect = dialect or VOICENTER
        self.listener: Callable[[CallEvent, Call], None] | None = None
        self._rng = random.Random(seed)
        self.queues = _build_queues(self._rng, queues, self.dialect)
        self.agents = _build_agents(self._rng, agents, self.queues, self.dialect)
        self._agents_by_username = {agent.username: agent for agent in self.agents}
        self._queues_by_id = {queue.id: queue for queue in self.queues}
        self._arrival_weights = list(
            itertools.accumulate(len(queue.members) for queue in self.queues)
        )
        self._events: list[_Event] = []
        self._event_seq = itertools.count()
        self._call_seq = itertools.count(1)
        self._live: dict[str, Call] = {}  # by call id, until the call ends
        self._now: float | None = None
        self._frozen = False
        self._frozen_total = 0.0  # real seconds spent frozen: engine time = real - this
        self.stats = dict.fromkeys(("inbound", "answered", "abandoned", "outbound"), 0)

    # --- time ---------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """The epoch time the centre was last advanced to."""
        if self._now is None:
            raise RuntimeError("the call centre has not started: call advance(now) first")
        return self._now

    @property
    def frozen(self) -> bool:
        return self._frozen

    def advance(self, now: float) -> None:
        """Run the simulation up to epoch time ``now``; earlier times are ignored."""
        if self._now is None:
            self._start(now - WARMUP / self.speed)
        if now <= self.now:
            return
        elapsed, self._now = now - self.now, now
        if self._frozen:
            self._frozen_total += elapsed
            return
        target = self._engine_now()
        while self._events and self._events[0][0] <= target:
            at, _, handler, subject = heapq.heappop(self._events)
            handler(subject, at)

    def freeze(self) -> None:
        """Stop time-driven and random change; forced changes apply when unfrozen."""
        self._frozen = True

    def unfreeze(self) -> None:
        self._frozen = False

    # --- lookups and control --------------------------------------------------------------

    def find_agent(self, username: str) -> Agent | None:
        return self._agents_by_username.get(username)

    def find_queue(self, queue_id: int) -> Queue | None:
        return self._queues_by_id.get(queue_id)

    def find_call(self, call_id: str) -> Call | None:
        """A call that has not ended yet."""
        return self._live.get(call_id)

    def set_agent_status(self, username: str, code: int) -> None:
        """Force an onlineUserStatus code; accounts may define codes beyond the doc's list."""
        if code < 1:
            raise ValueError(f"status code must be positive, not {code}")
        agent = self._agent(username)
        t = self._engine_now()
        agent.break_due = False
        self._set_status(agent, code, t, self._stay(code))
        self._schedule(t, self._on_ready, agent)

    def pause_member(self, username: str, queue_id: int, paused: bool) -> None:
        """Stop (or resume) offering one queue's callers to one member; ValueError if the agent
        is not a member of that queue."""
        agent = self._agent(username)
        if queue_id not in agent.queue_ids:
            raise ValueError(f"{username} is not a member of queue {queue_id}")
        if paused:
            agent.paused_queues.add(queue_id)
            return
        agent.paused_queues.discard(queue_id)
        self._schedule(self._engine_now(), self._on_ready, agent)

    def add_caller(self, queue_id: int, phone: str | None = None) -> str:
        """Put a caller in a queue; returns its call id (Voicenter's CallID and ivrid)."""
        queue = self._queues_by_id.get(queue_id)
        if queue is None:
            raise KeyError(f"unknown queue {queue_id}")
        t = self._engine_now()
        call = self._join_queue(queue, phone or self._phone(), t)
        self._schedule(t, self._on_offer, call)
        return call.call_id

    def ring_extension(self, username: str, phone: str | None = None) -> str:
        """An inbound call straight to one extension (no queue): it rings there now."""
        agent = self._reachable(username)
        t = self._engine_now()
        call = self._new_call(INCOMING, phone or self._phone(), self.queues[0].did, t)
        self.stats["inbound"] += 1
        self._notify("new", call)
        self._ring(agent, call, t)
        return call.call_id

    def originate(self, username: str, phone: str) -> str:
        """Click-to-call: the extension dials ``phone`` now; returns the call id."""
        agent = self._reachable(username)
        return self._dial(agent, phone, self._engine_now()).call_id

    def answer(self, call_id: str) -> None:
        """Answer a ringing or dialling call now; ValueError if it is in no such state."""
        call = self._live.get(call_id)
        if call is None or call.agent is None or call.answered_at:
            raise ValueError(f"call {call_id} is not ringing or dialling on an extension")
        t = self._engine_now()
        if call.direction == INCOMING:
            self._on_answer(call, t)
        else:
            self._talk(call, t, self._rng.lognormvariate(*OUTBOUND_TALK))

    def hang_up(self, call_id: str) -> bool:
        """End a call now, whatever its state; False if no such call is in progress."""
        call = self._live.get(call_id)
        if call is None:
            return False
        if call.direction == INCOMING and not call.answered_at:
            self.stats["abandoned"] += 1
        self._end_call(call, self._engine_now())
        return True

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain JSON-serialisable data."""
        return {
            "now": self._now,
            "speed": self.speed,
            "seed": self.seed,
            "frozen": self._frozen,
            "stats": dict(self.stats),
            "agents": [_agent_data(agent) for agent in self.agents],
            "queues": [_queue_data(queue) for queue in self.queues],
        }

    # --- engine ---------------------------------------------------------------------------

    def _start(self, t: float) -> None:
        self._now = t
        count = len(self.agents)
        logged_out = set(self._rng.sample(range(count), round(count * LOGGED_OUT_SHARE)))
        for index, agent in enumerate(self.agents):
            agent.idle_since = t
            if index in logged_out:
                self._set_status(agent, LOGOUT, t, self._stay(LOGOUT))
            else:
                self._set_status(agent, LOGIN, t, self._stay(LOGIN))
        self._on_arrival(None, t)
        self._on_outbound_attempt(None, t)

    def _engine_now(self) -> float:
        return self.now - self._frozen_total

    def _stamp(self, t: float) -> float:
        """Engine time to the epoch time a vendor would report."""
        return t + self._frozen_total

    def _schedule(self, at: float, handler: Callable[[Any, float], None], subject: Any) -> None:
        heapq.heappush(self._events, (at, next(self._event_seq), handler, subject))

    def _after(self, simulated_seconds: float) -> float:
        return simulated_seconds / self.speed

    def _queue_of(self, call: Call) -> Queue:
        assert call.queue_id is not None, "only incoming calls wait in queues"
        return self._queues_by_id[call.queue_id]

    def _agent(self, username: str) -> Agent:
        agent = self._agents_by_username.get(username)
        if agent is None:
            raise KeyError(f"unknown agent {username}")
        return agent

    def _reachable(self, username: str) -> Agent:
        """An extension a forced call can use: one call per phone, none while logged out."""
        agent = self._agent(username)
        if agent.call is not None:
            raise ValueError(f"extension {username} is busy")
        if agent.status == LOGOUT:
            raise ValueError(f"extension {username} is logged out")
        return agent

    def _notify(self, event: CallEvent, call: Call) -> None:
        if self.listener is not None:
            self.listener(event, call)

    # --- agent presence -------------------------------------------------------------------

    def _stay(self, code: int) -> float:
        """How long, in simulated seconds, an agent keeps a status."""
        if code == LOGIN:
            return self._rng.expovariate(1 / LOGIN_MEAN)
        _, shortest, longest = _AWAY.get(code, _AWAY[OTHER])
        return self._rng.uniform(shortest, longest) * 60

    def _set_status(self, agent: Agent, code: int, t: float, stay: float) -> None:
        agent.status = code
        agent.status_since = self._stamp(t)
        agent.status_due = t + self._after(stay)
        self._schedule(agent.status_due, self._on_status_due, agent)

    def _on_status_due(self, agent: Agent, t: float) -> None:
        if t != agent.status_due:
            return  # superseded by a forced status
        if agent.status != LOGIN:
            self._set_status(agent, LOGIN, t, self._stay(LOGIN))
            self._serve_next(agent, t)
        elif agent.call is not None:
            agent.break_due = True  # agents finish the call before going on a break
        else:
            self._go_away(agent, t)

    def _go_away(self, agent: Agent, t: float) -> None:
        code = self._rng.choices(_AWAY_CODES, weights=_AWAY_WEIGHTS)[0]
        self._set_status(agent, code, t, self._stay(code))

    def _on_ready(self, agent: Agent, t: float) -> None:
        self._serve_next(agent, t)

    # --- inbound --------------------------------------------------------------------------

    def _on_arrival(self, _: None, t: float) -> None:
        rate = ARRIVALS_PER_AGENT * len(self.agents)
        self._schedule(t + self._after(self._rng.expovariate(rate)), self._on_arrival, None)
        queue = self._rng.choices(self.queues, cum_weights=self._arrival_weights)[0]
        self._offer(self._join_queue(queue, self._phone(), t), t)

    def _join_queue(self, queue: Queue, phone: str, t: float) -> Call:
        call = self._new_call(INCOMING, phone, queue.did, t)
        call.queue_id = queue.id
        queue.waiting.append(call)
        self.stats["inbound"] += 1
        self._notify("new", call)
        patience = PATIENCE_MIN + self._rng.expovariate(1 / PATIENCE_MEAN)
        self._schedule(t + self._after(patience), self._on_abandon, call)
        return call

    def _on_offer(self, call: Call, t: float) -> None:
        if not call.ended and call.agent is None:
            self._offer(call, t)

    def _offer(self, call: Call, t: float) -> None:
        queue = self._queue_of(call)
        idle = [a for a in queue.members if a.available and queue.id not in a.paused_queues]
        if idle:
            self._ring(min(idle, key=attrgetter("idle_since")), call, t)

    def _serve_next(self, agent: Agent, t: float) -> None:
        """Offer a free agent the most urgent caller of their queues."""
        if not agent.available:
            return
        candidates = []
        for queue_id in agent.queue_ids:
            if queue_id in agent.paused_queues:
                continue
            queue = self._queues_by_id[queue_id]
            caller = next((call for call in queue.waiting if call.agent is None), None)
            if caller is not None:
                candidates.append((queue.weight, caller))
        if candidates:
            _, caller = min(candidates, key=lambda pair: (-pair[0], pair[1].started))
            self._ring(agent, caller, t)

    def _ring(self, agent: Agent, call: Call, t: float) -> None:
        call.status, call.agent, agent.call = RINGING, agent.username, call
        ring = self._rng.uniform(*RING_SECONDS)
        self._schedule(t + self._after(ring), self._on_answer, call)

    def _on_answer(self, call: Call, t: float) -> None:
        if call.ended or call.answered_at:
            return  # hung up, or answered by a control while it rang
        if call.queue_id is not None:
            self._queue_of(call).waiting.remove(call)
        self.stats["answered"] += 1
        self._talk(call, t, self._rng.lognormvariate(*INBOUND_TALK))

    def _on_abandon(self, call: Call, t: float) -> None:
        if not call.ended and not call.answered_at:
            self.stats["abandoned"] += 1
            self._end_call(call, t)

    # --- outbound -------------------------------------------------------------------------

    def _on_outbound_attempt(self, _: None, t: float) -> None:
        rate = OUTBOUND_PER_AGENT * len(self.agents)
        self._schedule(
            t + self._after(self._rng.expovariate(rate)), self._on_outbound_attempt, None
        )
        # Picking any agent and dialling only if idle makes the rate follow the idle headcount.
        agent = self._rng.choice(self.agents)
        if agent.available:
            self._dial(agent, self._phone(), t)

    def _dial(self, agent: Agent, phone: str, t: float) -> Call:
        call = self._new_call(OUTGOING, phone, "", t)
        call.status, call.agent, agent.call = DIALING, agent.username, call
        self.stats["outbound"] += 1
        self._notify("new", call)
        dial = self._rng.uniform(*DIAL_SECONDS)
        self._schedule(t + self._after(dial), self._on_dial_end, call)
        return call

    def _on_dial_end(self, call: Call, t: float) -> None:
        if call.ended or call.answered_at:
            return  # hung up, or answered by a control while it dialled
        if self._rng.random() < OUTBOUND_ANSWER_SHARE:
            self._talk(call, t, self._rng.lognormvariate(*OUTBOUND_TALK))
        else:
            self._end_call(call, t)  # no answer

    # --- conversation -----------------------------------------------------------------------

    def _talk(self, call: Call, t: float, talk: float) -> None:
        call.status, call.answered_at = TALKING, self._stamp(t)
        self._notify("answered", call)
        talk = min(talk, LONGEST_TALK)
        if self._rng.random() < HOLD_SHARE:
            hold_at = t + self._after(talk * self._rng.uniform(0.2, 0.8))
            hold = self._rng.uniform(*HOLD_SECONDS)
            self._schedule(hold_at, self._on_hold, call)
            self._schedule(hold_at + self._after(hold), self._on_unhold, call)
            talk += hold
        self._schedule(t + self._after(talk), self._on_hangup, call)

    def _on_hold(self, call: Call, t: float) -> None:
        if not call.ended:
            call.status = HOLD

    def _on_unhold(self, call: Call, t: float) -> None:
        if not call.ended:
            call.status = TALKING

    def _on_hangup(self, call: Call, t: float) -> None:
        if not call.ended:
            self._end_call(call, t)

    def _end_call(self, call: Call, t: float) -> None:
        call.ended, call.ended_at = True, self._stamp(t)
        del self._live[call.call_id]
        if call.queue_id is not None and call in self._queue_of(call).waiting:
            self._queue_of(call).waiting.remove(call)
        self._notify("ended", call)
        if call.agent is None:
            return
        agent = self._agents_by_username[call.agent]
        agent.call, agent.idle_since = None, t
        if agent.break_due:
            agent.break_due = False
            self._go_away(agent, t)
        else:
            self._serve_next(agent, t)

    # --- people and numbers ---------------------------------------------------------------

    def _new_call(self, direction: str, phone: str, did: str, t: float) -> Call:
        stamp = self._stamp(t)
        call = Call(
            call_id=self.dialect.call_id(self._rng, stamp, next(self._call_seq)),
            direction=direction,
            phone=phone,
            # The other party's name as the PBX shows it: a known contact, else the number.
            caller_name=self.dialect.contact(self._rng) if self._rng.random() < 0.5 else phone,
            did=did,
            started=stamp,
            recorded=self._rng.random() >= UNRECORDED_SHARE,
        )
        self._live[call.call_id] = call
        return call

    def _phone(self) -> str:
        return self.dialect.phone(self._rng)


def _person_name(rng: random.Random) -> str:
    firsts, lasts = rng.choices(_NAME_POOLS, weights=_NAME_POOL_WEIGHTS)[0]
    return f"{rng.choice(firsts)} {rng.choice(lasts)}"


def azerbaijani_name(rng: random.Random) -> str:
    firsts, lasts = rng.choice(_NAME_POOLS[2:])
    return f"{rng.choice(firsts)} {rng.choice(lasts)}"


def _voicenter_call_id(rng: random.Random, stamp: float, sequence: int) -> str:
    # Voicenter's ids look like "202010131433000d14cc4b": a UTC timestamp, then hex.
    # The sequence number keeps ids unique; the random tail makes them look like theirs.
    timestamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(stamp))
    return f"{timestamp}{sequence:x}{rng.getrandbits(16):04x}"


def _israeli_phone(rng: random.Random) -> str:
    """An Israeli national number: mostly mobile (05x), else a landline."""
    if rng.random() < MOBILE_SHARE:
        return f"05{rng.choice('0234578')}{rng.randrange(10**7):07d}"
    return f"0{rng.choice('23489')}{rng.randrange(10**7):07d}"


VOICENTER = Dialect(
    username=lambda index: f"SIP{1001 + index}",
    name=lambda rng, index: _person_name(rng),
    contact=_person_name,
    phone=_israeli_phone,
    did=lambda rng: f"073{rng.randrange(10**7):07d}",
    call_id=_voicenter_call_id,
)


def _build_queues(rng: random.Random, count: int, dialect: Dialect) -> tuple[Queue, ...]:
    queues = []
    for index in range(count):
        if index < len(_QUEUE_PROFILES):
            name, weight = _QUEUE_PROFILES[index]
        else:
            name, weight = f"Queue {index + 1}", rng.choice((0, 1, 2, 5))
        did = dialect.did(rng)
        queues.append(Queue(id=QUEUE_ID_BASE + index + 1, name=name, weight=weight, did=did))
    return tuple(queues)


def _build_agents(
    rng: random.Random, count: int, queues: tuple[Queue, ...], dialect: Dialect
) -> tuple[Agent, ...]:
    extension_ids = rng.sample(range(10**7, 10**9), count)
    user_ids = rng.sample(range(10**6, 10**8), count)
    agents = []
    for index in range(count):
        member_of = _skills(rng, index, queues)
        agent = Agent(
            username=dialect.username(index),
            name=dialect.name(rng, index),
            extension_id=extension_ids[index],
            user_id=user_ids[index],
            queue_ids=tuple(queue.id for queue in member_of),
        )
        for queue in member_of:
            queue.members.append(agent)
        agents.append(agent)
    return tuple(agents)


def _skills(rng: random.Random, index: int, queues: tuple[Queue, ...]) -> list[Queue]:
    # A round-robin home queue staffs every queue; up to two extra skills make routing overlap.
    home = queues[index % len(queues)]
    extras = rng.sample(queues, min(rng.randint(0, 2), len(queues)))
    return [home, *(queue for queue in extras if queue is not home)]


def _call_data(call: Call) -> dict[str, Any]:
    return {
        "call_id": call.call_id,
        "direction": call.direction,
        "status": call.status,
        "phone": call.phone,
        "caller_name": call.caller_name,
        "did": call.did,
        "queue_id": call.queue_id,
        "agent": call.agent,
        "started": call.started,
        "answered_at": call.answered_at,
        "recorded": call.recorded,
    }


def _agent_data(agent: Agent) -> dict[str, Any]:
    return {
        "username": agent.username,
        "name": agent.name,
        "extension_id": agent.extension_id,
        "user_id": agent.user_id,
        "online_user_id": agent.online_user_id,
        "status": agent.status,
        "status_since": agent.status_since,
        "queue_ids": list(agent.queue_ids),
        "paused_queues": sorted(agent.paused_queues),
        "call": None if agent.call is None else _call_data(agent.call),
    }


def _queue_data(queue: Queue) -> dict[str, Any]:
    return {
        "id": queue.id,
        "name": queue.name,
        "weight": queue.weight,
        "did": queue.did,
        "members": [agent.username for agent in queue.members],
        "waiting": [_call_data(call) for call in queue.waiting],
    }
