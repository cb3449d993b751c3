"""Fault injection: make one simulated vendor misbehave the way real APIs do.

A fault is set per vendor (``voicenter``, ``virtualats``, ``yemot``), optionally for one endpoint,
and applies to that vendor's API requests only: the other vendors, and the ``/_sim/`` controls,
keep answering normally and at once. Waiting faults (``slow``, ``timeout``) wait outside the
simulator's lock, so a hanging vendor never holds up another one's answers.

Kinds:

* ``timeout``: hold the request for ``delay`` seconds (default 30), then close the connection
  with no answer at all;
* ``disconnect``: close the connection at once with no answer;
* ``status``: answer HTTP ``status`` (default 503) with a small JSON error body;
* ``auth``: the vendor's own credentials failure: Voicenter's HTTP 200 ``ERR 1 Authorization
  failed``, VirtualATS's HTTP 401, Yemot's ``FORBIDDEN`` (which its Login then also answers);
* ``malformed``: HTTP 200 with a proxy's HTML error page instead of JSON;
* ``truncated``: the real answer cut in half (a valid JSON prefix, with a matching length);
* ``slow``: the real answer, ``delay`` seconds late (default 1);
* ``wrong_types``: the real answer with every number sent as a string and every list as an
  object keyed by position;
* ``random``: on each request, one of the failing kinds above, chosen at random.

Each fault may be limited to the next ``count`` requests and applied with ``probability`` (0-1).
Controls: ``GET /_sim/faults`` lists faults and the requests each vendor received;
``POST /_sim/faults`` with ``{"vendor": ..., "kind": ..., ...}`` sets one (``"kind": "none"``
removes it); ``POST /_sim/faults/clear`` removes them all (and wakes any held request).

``WALLBOARD_SIM_FAULTS`` sets faults at start, e.g. ``voicenter=status:502,yemot=random:0.2``
(``vendor=kind[:number]``: the number is the status, the delay or the probability).
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
from collections import Counter
from dataclasses import asdict, dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from telephony.simulator import virtualats_wire, voicenter_status, voicenter_wire, yemot_wire
from telephony.simulator.protocol import HttpError, Reply
from telephony.simulator.yemot_commands import error as yemot_error

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from telephony.simulator.protocol import Request

    Control = tuple[str, re.Pattern[str], Callable[[re.Match[str], Mapping[str, Any]], Any]]

# Which request paths belong to which vendor.
VENDOR_PREFIXES: dict[str, tuple[str, ...]] = {
    "voicenter": (voicenter_wire.PREFIX, voicenter_status.PREFIX),
    "virtualats": (virtualats_wire.PREFIX,),
    "yemot": (yemot_wire.PREFIX,),
}
FAILING_KINDS = ("timeout", "disconnect", "status", "auth", "malformed", "truncated", "wrong_types")
KINDS = (*FAILING_KINDS, "slow", "random")
DEFAULT_DELAY = {"timeout": 30.0, "slow": 1.0}
MAX_DELAY = 120.0  # a held request must end on its own even if nobody clears the fault
HTML_ERROR = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
ENV = "WALLBOARD_SIM_FAULTS"


class Disconnect(Exception):  # noqa: N818 (an instruction to the HTTP layer, not an error)
    """Close the connection without answering."""


@dataclass(frozen=True)
class Fault:
    vendor: str
    kind: str
    endpoint: str | None = None  # e.g. "GetQueuesCallers"; None: every endpoint of the vendor
    status: int = 503
    delay: float | None = None
    count: int | None = None  # how many more requests it applies to; None: until cleared
    probability: float = 1.0

    @property
    def wait(self) -> float:
        return DEFAULT_DELAY.get(self.kind, 1.0) if self.delay is None else self.delay


def parse_fault(body: Mapping[str, Any]) -> Fault | None:
    """A Fault from a control request's body; None for ``"kind": "none"``. HttpError if wrong."""
    vendor, kind = body.get("vendor"), body.get("kind")
    if vendor not in VENDOR_PREFIXES:
        raise _bad(f'"vendor" must be one of {", ".join(VENDOR_PREFIXES)}')
    if kind == "none":
        return None
    if kind not in KINDS:
        raise _bad(f'"kind" must be one of none, {", ".join(KINDS)}')
    endpoint = body.get("endpoint")
    if endpoint is not None and (not isinstance(endpoint, str) or not endpoint):
        raise _bad('"endpoint" must be a non-empty string')
    status = _number(body, "status", 503, int)
    if not 100 <= status <= 599:
        raise _bad('"status" must be an HTTP status code')
    delay = body.get("delay")
    if delay is not None:
        delay = _number(body, "delay", 0.0, float)
        if not 0 <= delay <= MAX_DELAY:
            raise _bad(f'"delay" must be between 0 and {MAX_DELAY:.0f} seconds')
    count = body.get("count")
    if count is not None:
        count = _number(body, "count", 0, int)
        if count < 1:
            raise _bad('"count" must be at least 1')
    probability = _number(body, "probability", 1.0, float)
    if not 0 <= probability <= 1:
        raise _bad('"probability" must be between 0 and 1')
    return Fault(vendor, kind, endpoint, status, delay, count, probability)


def _number(body: Mapping[str, Any], name: str, default: Any, kind: type) -> Any:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _bad(f'"{name}" must be a number')
    try:
        return kind(value)
    except ValueError:
        raise _bad(f'"{name}" must be a number') from None


def _bad(reason: str) -> HttpError:
    return HttpError(HTTPStatus.BAD_REQUEST, reason)


def parse_spec(spec: str) -> list[Fault]:
    """``voicenter=status:502,yemot=random:0.2`` (see the module's docstring)."""
    faults = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        vendor, _, rest = item.partition("=")
        kind, _, number = rest.partition(":")
        body: dict[str, Any] = {"vendor": vendor.strip(), "kind": kind.strip()}
        if number:
            field = {"status": "status", "random": "probability"}.get(kind, "delay")
            body[field] = number
        fault = parse_fault(body)
        if fault is not None:
            faults.append(fault)
    return faults


class Faults:
    """The faults in force, and what each vendor was asked; safe to use from many threads."""

    def __init__(self, faults: list[Fault] | None = None, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._faults: dict[tuple[str, str | None], Fault] = {}
        self._requests: Counter[tuple[str, str]] = Counter()
        self._injected: Counter[tuple[str, str]] = Counter()
        self._random = random.Random(seed)
        self._released = threading.Event()  # wakes held requests when faults are cleared
        for fault in faults or []:
            self.set(fault)

    @classmethod
    def from_env(cls) -> Faults:
        try:
            return cls(parse_spec(os.environ.get(ENV, "")))
        except HttpError as exc:
            raise ValueError(f"{ENV}: {exc}") from None

    # --- state -------------------------------------------------------------------------------

    def set(self, fault: Fault) -> None:
        with self._lock:
            self._faults[(fault.vendor, fault.endpoint)] = fault
            self._released.clear()

    def remove(self, vendor: str, endpoint: str | None = None) -> None:
        with self._lock:
            self._faults.pop((vendor, endpoint), None)
            if not self._faults:
                self._released.set()

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._released.set()

    def report(self) -> dict[str, Any]:
        with self._lock:
            requests: dict[str, dict[str, int]] = {}
            for (vendor, endpoint), count in sorted(self._requests.items()):
                requests.setdefault(vendor, {})[endpoint] = count
            injected: dict[str, dict[str, int]] = {}
            for (vendor, kind), count in sorted(self._injected.items()):
                injected.setdefault(vendor, {})[kind] = count
            return {
                "faults": [asdict(fault) for fault in self._faults.values()],
                "requests": requests,
                "injected": injected,
            }

    # --- the hook ----------------------------------------------------------------------------

    def apply(self, request: Request, respond: Callable[[], Reply]) -> Reply:
        """Answer ``request`` through ``respond``, unless a fault says otherwise."""
        found = vendor_of(request.path)
        if found is None:
            return respond()
        vendor, endpoint = found
        kind, fault = self._draw(vendor, endpoint)
        if fault is None:
            return respond()
        if kind == "timeout":
            self._released.wait(min(fault.wait, MAX_DELAY))
            raise Disconnect
        if kind == "disconnect":
            raise Disconnect
        if kind == "status":
            return Reply.json({"error": "injected fault"}, HTTPStatus(fault.status))
        if kind == "auth":
            return auth_failure(vendor)
        if kind == "malformed":
            return Reply(HTTPStatus.OK, HTML_ERROR, "text/html")
        if kind == "slow":
            self._released.wait(min(fault.wait, MAX_DELAY))
            return respond()
        reply = respond()
        if kind == "truncated":
            return Reply(reply.status, reply.body[: len(reply.body) // 2], reply.content_type)
        return Reply(reply.status, wrong_types(reply.body), reply.content_type, reply.headers)

    def _draw(self, vendor: str, endpoint: str) -> tuple[str, Fault | None]:
        with self._lock:
            self._requests[(vendor, endpoint)] += 1
            key = (vendor, endpoint) if (vendor, endpoint) in self._faults else (vendor, None)
            fault = self._faults.get(key)
            if fault is None or self._random.random() >= fault.probability:
                return "", None
            if fault.count is not None:
                if fault.count <= 1:
                    del self._faults[key]
                else:
                    self._faults[key] = Fault(**{**asdict(fault), "count": fault.count - 1})
            kind = self._random.choice(FAILING_KINDS) if fault.kind == "random" else fault.kind
            self._injected[(vendor, kind)] += 1
            return kind, fault

    # --- controls ----------------------------------------------------------------------------

    def controls(self) -> tuple[Control, ...]:
        def listing(match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
            return self.report()

        def change(match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
            fault = parse_fault(body)
            if fault is None:
                self.remove(body["vendor"], body.get("endpoint"))
            else:
                self.set(fault)
            return self.report()

        def clear(match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
            self.clear()
            return self.report()

        return (
            ("GET", re.compile(r"/_sim/faults"), listing),
            ("POST", re.compile(r"/_sim/faults"), change),
            ("POST", re.compile(r"/_sim/faults/clear"), clear),
        )


def vendor_of(path: str) -> tuple[str, str] | None:
    """(vendor, endpoint) for a vendor API path, e.g. ("voicenter", "GetExtensionsCalls")."""
    for vendor, prefixes in VENDOR_PREFIXES.items():
        for prefix in prefixes:
            if path.startswith(prefix):
                return vendor, path.removeprefix(prefix).strip("/") or "/"
    return None


def auth_failure(vendor: str) -> Reply:
    if vendor == "voicenter":
        return Reply.json(dict(voicenter_wire.AUTHORIZATION_FAILED))
    if vendor == "virtualats":
        return Reply.json({"error": "wrong public key or signature"}, HTTPStatus.UNAUTHORIZED)
    return Reply.json(yemot_error(yemot_wire.BAD_TOKEN, "FORBIDDEN"))


def wrong_types(body: bytes) -> bytes:
    try:
        data = json.loads(body)
    except ValueError:
        return body
    return json.dumps(_retype(data), ensure_ascii=False).encode()


def _retype(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return {str(index): _retype(item) for index, item in enumerate(value)}
    if isinstance(value, dict):
        return {key: _retype(item) for key, item in value.items()}
    return value
