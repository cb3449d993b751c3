"""VirtualATS wire format: a second simulated centre as web.vats.az shows it (API_REFERENCE.md §3).

Every request is checked as ``telephony.virtualats_auth`` signs it (the header first, then the
``vats-authentication`` query parameter, as §3.5 says) and callRecord/history answers are signed
back. Once the server is live, the engine's call events are sent as CRM webhook events.
"""

from __future__ import annotations

import hmac
import math
import re
from datetime import datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from telephony.simulator.callcentre import LOGIN, LOGOUT, CallCentre, Dialect, azerbaijani_name
from telephony.simulator.protocol import HttpError, Reply
from telephony.simulator.virtualats_records import (
    RECORDING,
    RECORDING_TYPE,
    CallRecords,
    caller_id,
)
from telephony.virtualats_auth import HEADER, sign, sign_bytes, signed_part_for, split_header

if TYPE_CHECKING:
    import random
    from collections.abc import Callable, Mapping

    from telephony.simulator.callcentre import Agent, Call, CallEvent
    from telephony.simulator.protocol import Request
    from telephony.simulator.virtualats_webhook import WebhookSender

    Endpoint = Callable[["VirtualAtsSim", re.Match[str], Mapping[str, Any]], Reply]

PREFIX = "/virtualats/vats/api/"
STALE_SECONDS = 5 * 60  # the doc states no limit; five minutes is the usual window for HMACs
MAX_LIMIT, DEFAULT_LIMIT = 1000, 50  # §3.3
REQUEST_DATE = "%d%m%Y%H%M%S%z"  # ddMMyyyyHHmmssZ
STATUSES = ("ONLINE", "OFFLINE", "DISCONNECTED", "UNMONITORED")
STATES: dict[CallEvent, str] = {"new": "NEW", "answered": "UPDATE", "ended": "HANGUP"}
_NAMES = ("Mamed", "Əli", "Leyla Həsənova", "Rəşad Quliyev", "Aynur", "Günel Məmmədova")
_NAMES += ("Tural", "Nərgiz Əliyeva")


def _name(rng: random.Random, index: int) -> str:
    lap = index // len(_NAMES)
    return _NAMES[index % len(_NAMES)] + (f" {lap + 1}" if lap else "")


def _phone(rng: random.Random) -> str:
    """Numbers as the doc writes them: 994, then a mobile operator's or Baku's code."""
    prefix = rng.choice(("99450", "99451", "99455", "99470", "99477", "99412"))
    return f"{prefix}{rng.randrange(10**7):07d}"


DIALECT = Dialect(
    username=lambda index: str(100 + index),
    name=_name,
    contact=azerbaijani_name,
    phone=_phone,
    did=lambda rng: f"99412{rng.randrange(10**7):07d}",
    call_id=lambda rng, stamp, sequence: f"{rng.getrandbits(128):032x}",  # 32 hex, as the doc's
)


def new_centre(extensions: int = 8, seed: int = 1, speed: float = 1.0) -> CallCentre:
    """A small office: extensions 100, 101, ... answering two queues."""
    return CallCentre(agents=extensions, queues=2, seed=seed, speed=speed, dialect=DIALECT)


class VirtualAtsSim:
    """The API under ``PREFIX`` over one centre; the controls are in virtualats_controls."""

    def __init__(
        self,
        centre: CallCentre,
        *,
        public_key: str = "sim-public",
        secret_key: str = "sim-secret",
        webhook: WebhookSender | None = None,
        crm_api_key: str = "",
    ) -> None:
        self.centre = centre
        self.base_url = ""  # the API's absolute URL, for recording links; set by the server
        self.records = CallRecords(centre)
        self._public_key, self._secret_key = public_key, secret_key
        self._webhook, self._crm_api_key = webhook, crm_api_key
        self._live = False  # no webhook events for the warm-up's made-up past
        self._shown: dict[str, str] = {}  # extension -> DISCONNECTED | UNMONITORED
        centre.listener = self._on_call

    def go_live(self) -> None:
        self._live = True

    def respond(self, endpoint: str, request: Request) -> Reply | None:
        """Answer one API request; None for a path that is not an endpoint."""
        for pattern, handler in _ENDPOINTS:
            match = pattern.fullmatch(endpoint)
            if match:
                if request.method != "GET":
                    raise HttpError(HTTPStatus.METHOD_NOT_ALLOWED, "VirtualATS takes GET")
                self._authorise(endpoint, request)
                return handler(self, match, request.params)
        return None

    def accounts(self) -> list[dict[str, str]]:
        return [
            {
                "number": agent.username,
                "callerId": caller_id(agent.name, agent.username),
                "status": self.status_of(agent),
            }
            for agent in self.centre.agents
        ]

    def status_of(self, agent: Agent) -> str:
        """The phone's registration: logged-out agents' phones show OFFLINE."""
        shown = self._shown.get(agent.username)
        return shown or ("OFFLINE" if agent.status == LOGOUT else "ONLINE")

    def set_status(self, username: str, status: str) -> None:
        """ONLINE and OFFLINE log the extension in or out; the other two only change the show."""
        if status in ("ONLINE", "OFFLINE"):
            self.centre.set_agent_status(username, LOGIN if status == "ONLINE" else LOGOUT)
            self._shown.pop(username, None)
        elif self.centre.find_agent(username) is None:
            raise KeyError(f"unknown extension {username}")
        else:
            self._shown[username] = status

    def recording_url(self, file_id: str | None) -> str:
        return f"{self.base_url}/storageFile/download/{file_id}" if file_id else ""

    def signed(self, data: Any) -> Reply:
        """A JSON reply signed as §3.3 says: HMAC(secret, token + the body as sent)."""
        body = Reply.json(data).body
        token = str(int(self.centre.now * 1000))
        value = f"{self._public_key}:{token}:{sign_bytes(self._secret_key, token, body)}"
        return Reply(HTTPStatus.OK, body, headers={HEADER: value})

    def _authorise(self, endpoint: str, request: Request) -> None:
        value = request.headers.get(HEADER) or request.params.get(HEADER)
        if not value:
            raise HttpError(HTTPStatus.UNAUTHORIZED, f"missing {HEADER}")
        try:
            public_key, token, signature = split_header(str(value))
        except ValueError as exc:
            raise HttpError(HTTPStatus.UNAUTHORIZED, str(exc)) from None
        if not token.isdigit():
            raise HttpError(HTTPStatus.UNAUTHORIZED, "token must be milliseconds since the epoch")
        if abs(int(token) / 1000 - self.centre.now) > STALE_SECONDS:
            raise HttpError(HTTPStatus.UNAUTHORIZED, "stale token")
        params = {key: value for key, value in request.params.items() if key != HEADER}
        expected = sign(self._secret_key, token, signed_part_for(endpoint, params))
        key_ok = hmac.compare_digest(public_key.encode(), self._public_key.encode())
        if not hmac.compare_digest(expected, signature.lower()) or not key_ok:
            raise HttpError(HTTPStatus.UNAUTHORIZED, "wrong public key or signature")

    def _on_call(self, event: CallEvent, call: Call) -> None:
        moment = {"new": call.started, "answered": call.answered_at, "ended": call.ended_at}
        record = self.records.render(call, moment[event])
        url = self.recording_url(self.records.finish(call, record)) if event == "ended" else ""
        if self._live and self._webhook is not None:
            # The doc's example has spaces around the URL: so do ours, so that clients strip it.
            fields = {**record, "recordConversation": f" {url} " if url else ""}
            self._webhook.send({"apiKey": self._crm_api_key, **fields, "state": STATES[event]})


# Reference: API_REFERENCE.md §3.4
def account_list(sim: VirtualAtsSim, match: re.Match[str], params: Mapping[str, Any]) -> Reply:
    return Reply.json(sim.accounts())


# Reference: API_REFERENCE.md §3.3
def call_history(sim: VirtualAtsSim, match: re.Match[str], params: Mapping[str, Any]) -> Reply:
    since, until = _date(params, "from", -math.inf), _date(params, "to", math.inf)
    offset, limit = _count(params, "offset", 0), _count(params, "limit", DEFAULT_LIMIT)
    if limit > MAX_LIMIT:
        raise HttpError(HTTPStatus.BAD_REQUEST, f'"limit" cannot exceed {MAX_LIMIT}')
    order = params.get("order") or "asc"
    if order not in ("asc", "desc"):
        raise HttpError(HTTPStatus.BAD_REQUEST, '"order" must be asc or desc')
    filters = {key: params[key] for key in ("direction", "disposition") if params.get(key)}
    found = sim.records.select(since, until, filters)
    if order == "desc":
        found.reverse()
    page = found[offset : offset + limit]
    return sim.signed(
        [{**item.record, "recordConversation": sim.recording_url(item.file_id)} for item in page]
    )


def _date(params: Mapping[str, Any], name: str, default: float) -> float:
    text = params.get(name)
    if not text:
        return default
    try:
        return datetime.strptime(str(text), REQUEST_DATE).timestamp()
    except ValueError:
        # An unencoded "+" arrives as a space: the doc's URLs send it as %2B.
        reason = f'"{name}" must be ddMMyyyyHHmmssZ, e.g. 01012019000000%2B0300, not {text!r}'
        raise HttpError(HTTPStatus.BAD_REQUEST, reason) from None


def _count(params: Mapping[str, Any], name: str, default: int) -> int:
    text = params.get(name)
    if text in (None, ""):
        return default
    if not str(text).isdigit():
        raise HttpError(HTTPStatus.BAD_REQUEST, f'"{name}" must be a whole number')
    return int(text)


# Reference: API_REFERENCE.md §3.6, §3.7. call/create should return once the call "is made";
# the simulated call only moves as time advances, so both return at once.
def originate(sim: VirtualAtsSim, match: re.Match[str], params: Mapping[str, Any]) -> Reply:
    to = str(params.get("to") or "")
    if not to.isdigit():
        raise HttpError(HTTPStatus.BAD_REQUEST, '"to" must be a phone number of digits')
    candidates = (params.get("number"), params.get("defaultNumber"))
    extension = next((n for n in candidates if n and sim.centre.find_agent(str(n))), None)
    if extension is None:
        reason = 'neither "number" nor "defaultNumber" is a known extension'
        raise HttpError(HTTPStatus.BAD_REQUEST, reason)
    try:
        call_id = sim.centre.originate(str(extension), to)
    except ValueError as exc:
        raise HttpError(HTTPStatus.CONFLICT, str(exc)) from None
    return Reply.json({"value": call_id})


# Reference: API_REFERENCE.md §3.8. The reply is undocumented: this one echoes the id.
def hangup(sim: VirtualAtsSim, match: re.Match[str], params: Mapping[str, Any]) -> Reply:
    if not sim.centre.hang_up(match["id"]):
        raise HttpError(HTTPStatus.NOT_FOUND, f"no call {match['id']} in progress")
    return Reply.json({"value": match["id"]})


# Reference: API_REFERENCE.md §3.5. The content type is undocumented: a WAV here.
def download(sim: VirtualAtsSim, match: re.Match[str], params: Mapping[str, Any]) -> Reply:
    if not sim.records.has_recording(match["id"]):
        raise HttpError(HTTPStatus.NOT_FOUND, f"no recording {match['id']}")
    return Reply(HTTPStatus.OK, RECORDING, RECORDING_TYPE)


_ENDPOINTS: tuple[tuple[re.Pattern[str], Endpoint], ...] = (
    (re.compile(r"account/list"), account_list),
    (re.compile(r"callRecord/history"), call_history),
    (re.compile(r"call/(?:originate|create)"), originate),
    (re.compile(r"call/hangup/(?P<id>[^/]+)"), hangup),
    (re.compile(r"storageFile/download/(?P<id>[^/]+)"), download),
)
