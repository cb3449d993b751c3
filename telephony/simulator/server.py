"""HTTP front of the simulator: vendor APIs routed by path prefix, plus ``/_sim/`` controls.

Standard library only. One lock serialises the engines; every request first advances them to
the current time, so the centres move exactly as fast as they are looked at (and, when a CRM
webhook is configured, once a second, since a real PBX pushes its events unasked).
"""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from telephony.simulator import virtualats_wire, voicenter_status, voicenter_wire, yemot_wire
from telephony.simulator.faults import Disconnect, Faults
from telephony.simulator.protocol import HttpError, Reply, Request
from telephony.simulator.virtualats_controls import controls as virtualats_controls
from telephony.simulator.virtualats_webhook import WebhookSender
from telephony.simulator.yemot_controls import controls as yemot_controls

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from types import TracebackType

    from telephony.simulator.callcentre import CallCentre

    # (endpoint after the prefix, request) -> reply, or None for an unknown endpoint.
    VendorHandler = Callable[[str, Request], Reply | None]
    # (path match, query or JSON body) -> JSON answer.
    ControlHandler = Callable[[re.Match[str], Mapping[str, Any]], dict[str, Any]]
    Control = tuple[str, re.Pattern[str], ControlHandler]

__all__ = ["HttpError", "SimulatorApp", "SimulatorServer"]

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0


def _state(centre: CallCentre, match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
    return centre.snapshot()


def _agent_status(
    centre: CallCentre, match: re.Match[str], body: Mapping[str, Any]
) -> dict[str, Any]:
    username, status = match["username"], body.get("status")
    if isinstance(status, bool) or not isinstance(status, int) or status < 1:
        raise HttpError(HTTPStatus.BAD_REQUEST, '"status" must be a positive integer')
    if centre.find_agent(username) is None:
        raise HttpError(HTTPStatus.NOT_FOUND, f"unknown agent {username}")
    centre.set_agent_status(username, status)
    return {"username": username, "status": status}


def _add_caller(
    centre: CallCentre, match: re.Match[str], body: Mapping[str, Any]
) -> dict[str, Any]:
    queue_id, phone = int(match["queue_id"]), body.get("phone")
    if phone is not None and (not isinstance(phone, str) or not phone.isdigit()):
        raise HttpError(HTTPStatus.BAD_REQUEST, '"phone" must be a string of digits')
    if centre.find_queue(queue_id) is None:
        raise HttpError(HTTPStatus.NOT_FOUND, f"unknown queue {queue_id}")
    return {"call_id": centre.add_caller(queue_id, phone)}


# Controls of the main (Voicenter) centre; freezing applies to every centre.
_CONTROLS = (
    ("GET", re.compile(r"/_sim/state"), _state),
    ("POST", re.compile(r"/_sim/agents/(?P<username>[^/]+)/status"), _agent_status),
    ("POST", re.compile(r"/_sim/queues/(?P<queue_id>\d+)/callers"), _add_caller),
)


class SimulatorApp:
    """Routing, independent of the HTTP plumbing: a Request in, a Reply out.

    ``centre`` is the main (Voicenter) centre; ``more_centres`` are advanced and frozen with it,
    and ``controls`` add ``/_sim/`` endpoints of their own.
    """

    def __init__(
        self,
        centre: CallCentre,
        vendors: Mapping[str, VendorHandler],
        clock: Callable[[], float] = time.time,
        *,
        more_centres: Sequence[CallCentre] = (),
        controls: Sequence[Control] = (),
        faults: Faults | None = None,
    ) -> None:
        self.centre = centre
        self.faults = Faults() if faults is None else faults
        self.centres = (centre, *more_centres)
        self._vendors = vendors
        self._clock = clock
        self._lock = threading.Lock()
        self._controls: list[Control] = [
            ("POST", re.compile(r"/_sim/freeze"), self._freeze),
            ("POST", re.compile(r"/_sim/unfreeze"), self._unfreeze),
            *((verb, path, functools.partial(h, centre)) for verb, path, h in _CONTROLS),
            *controls,
            *self.faults.controls(),
        ]

    def catch_up(self) -> None:
        """Advance the centres to now (the first call also runs their warm-up)."""
        with self._lock:
            self._advance()

    def handle(self, request: Request) -> Reply:
        if request.path.startswith("/_sim/"):
            return self._handle(request)
        # Outside the lock: a vendor made to hang must not hold up the others.
        return self.faults.apply(request, lambda: self._handle(request))

    def _handle(self, request: Request) -> Reply:
        with self._lock:
            self._advance()
            if request.path.startswith("/_sim/"):
                return Reply.json(self._control(request))
            return self._vendor(request)

    def _advance(self) -> None:
        now = self._clock()
        for centre in self.centres:
            centre.advance(now)

    def _freeze(self, match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
        for centre in self.centres:
            centre.freeze()
        return {"frozen": True}

    def _unfreeze(self, match: re.Match[str], body: Mapping[str, Any]) -> dict[str, Any]:
        for centre in self.centres:
            centre.unfreeze()
        return {"frozen": False}

    def _control(self, request: Request) -> dict[str, Any]:
        allowed = False
        for verb, pattern, handler in self._controls:
            match = pattern.fullmatch(request.path)
            if match and verb == request.method:
                return handler(match, request.params)
            allowed = allowed or match is not None
        if allowed:
            reason = f"{request.method} not allowed on {request.path}"
            raise HttpError(HTTPStatus.METHOD_NOT_ALLOWED, reason)
        raise HttpError(HTTPStatus.NOT_FOUND, f"no such path {request.path}")

    def _vendor(self, request: Request) -> Reply:
        for prefix, handler in self._vendors.items():
            if request.path.startswith(prefix):
                reply = handler(request.path.removeprefix(prefix), request)
                if reply is not None:
                    return reply
        raise HttpError(HTTPStatus.NOT_FOUND, f"no such path {request.path}")


def _voicenter(centre: CallCentre, code: str) -> VendorHandler:
    def respond(endpoint: str, request: Request) -> Reply | None:
        body = voicenter_wire.respond(centre, endpoint, request.params, code=code)
        return None if body is None else Reply.json(body)

    return respond


def _voicenter_status(centre: CallCentre, code: str) -> VendorHandler:
    def respond(endpoint: str, request: Request) -> Reply | None:
        body = voicenter_status.respond(centre, endpoint, request.params, code=code)
        return None if body is None else Reply.json(body)

    return respond


class _HttpServer(ThreadingHTTPServer):
    app: SimulatorApp


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer
    timeout = 10  # a stalled client must not hold a thread forever

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        # Repeated query parameters: the last one wins.
        params = {key: values[-1] for key, values in parse_qs(url.query).items()}
        self._reply(lambda: self.server.app.handle(self._request(url.path, params)))

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        self._reply(lambda: self.server.app.handle(self._request(path, self._body())))

    def _request(self, path: str, params: Mapping[str, Any]) -> Request:
        headers = {name.lower(): value for name, value in self.headers.items()}
        return Request(self.command, path, params, headers)

    def _body(self) -> dict[str, Any]:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError as exc:
            raise HttpError(HTTPStatus.BAD_REQUEST, "bad Content-Length") from exc
        raw = self.rfile.read(length) if length > 0 else b""
        if not raw.strip():
            return {}  # control endpoints take an empty body as "no options"
        if self.headers.get_content_type() == "application/x-www-form-urlencoded":
            # Yemot takes forms too; as for a query, a repeated field's last value wins.
            fields = parse_qs(raw.decode(errors="replace"), keep_blank_values=True)
            return {key: values[-1] for key, values in fields.items()}
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"malformed JSON body: {exc}") from exc
        if not isinstance(body, dict):
            raise HttpError(HTTPStatus.BAD_REQUEST, "JSON body must be an object")
        return body

    def _reply(self, handle: Callable[[], Reply]) -> None:
        try:
            reply = handle()
        except Disconnect:  # an injected fault: no answer at all
            self.close_connection = True
            return
        except HttpError as exc:
            reply = Reply.json({"error": str(exc)}, exc.status)
        except Exception:
            # The path only: a GET query carries the vendor code, which stays out of logs.
            log.exception("simulator failed on %s %s", self.command, urlsplit(self.path).path)
            reply = Reply.json({"error": "simulator error"}, HTTPStatus.INTERNAL_SERVER_ERROR)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        # A line per request is noise at one poll every 2 s; enable DEBUG to see them.
        log.debug("%s - %s", self.address_string(), format % args)


class SimulatorServer:
    """The simulator on a loopback port, served from a daemon thread.

    Usage: ``with SimulatorServer(CallCentre(), port=0) as server:`` then point a Voicenter
    client at ``server.base_url + "/voicenter/comet/API"`` (its SetStatusFromAPI at
    ``server.base_url + "/voicenter-api"``), a VirtualATS client at
    ``server.base_url + "/virtualats/vats/api"`` and a Yemot client at
    ``server.base_url + "/yemot/ym/api"``. VirtualATS extensions are a second centre
    (``virtualats_centre``, by default ``virtualats_wire.new_centre``); with ``crm_webhook_url``
    its call events are POSTed there as the CRM webhook, carrying ``crm_api_key``. Yemot's
    queues and members are a third (``yemot_centre``, by default ``yemot_wire.new_centre``),
    answering ``yemot_token`` (``system:password``, or a Login session made with it).
    """

    def __init__(
        self,
        centre: CallCentre,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        voicenter_code: str = "sim-code",
        clock: Callable[[], float] = time.time,
        virtualats_centre: CallCentre | None = None,
        virtualats_public_key: str = "sim-public",
        virtualats_secret_key: str = "sim-secret",
        crm_webhook_url: str | None = None,
        crm_api_key: str = "",
        yemot_centre: CallCentre | None = None,
        yemot_token: str = "sim-system:sim-password",
    ) -> None:
        self.webhook = WebhookSender(crm_webhook_url) if crm_webhook_url else None
        vats_centre = virtualats_centre
        if vats_centre is None:
            vats_centre = virtualats_wire.new_centre(seed=centre.seed, speed=centre.speed)
        self.virtualats = virtualats_wire.VirtualAtsSim(
            vats_centre,
            public_key=virtualats_public_key,
            secret_key=virtualats_secret_key,
            webhook=self.webhook,
            crm_api_key=crm_api_key,
        )
        yemot = yemot_centre or yemot_wire.new_centre(seed=centre.seed, speed=centre.speed)
        self.yemot = yemot_wire.YemotSim(yemot, token=yemot_token)
        vendors = {
            voicenter_wire.PREFIX: _voicenter(centre, voicenter_code),
            voicenter_status.PREFIX: _voicenter_status(centre, voicenter_code),
            virtualats_wire.PREFIX: self.virtualats.respond,
            yemot_wire.PREFIX: self.yemot.respond,
        }
        self.app = SimulatorApp(
            centre,
            vendors,
            clock,
            more_centres=[vats_centre, yemot],
            controls=(*virtualats_controls(self.virtualats), *yemot_controls(self.yemot)),
            faults=Faults.from_env(),
        )
        self._address = (host, port)
        self._httpd: _HttpServer | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the simulator server is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self.app.catch_up()  # so the first poll does not pay for the warm-up
        self._httpd = _HttpServer(self._address, _Handler)
        self._httpd.app = self.app
        self.virtualats.base_url = self.base_url + virtualats_wire.PREFIX.rstrip("/")
        self._stopping.clear()
        # A short poll interval keeps stop() quick; the wake-ups are negligible.
        self._spawn("simulator-http", functools.partial(self._httpd.serve_forever, 0.1))
        if self.webhook is not None:
            self.webhook.start()
            self._spawn("simulator-ticker", self._tick)
        self.virtualats.go_live()

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._stopping.set()
        self.app.faults.clear()  # wakes requests held by a fault
        self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join()
        if self.webhook is not None:
            self.webhook.stop()
        self._httpd, self._threads = None, []

    def _spawn(self, name: str, target: Callable[[], object]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _tick(self) -> None:
        while not self._stopping.wait(TICK_SECONDS):
            self.app.catch_up()

    def __enter__(self) -> SimulatorServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
