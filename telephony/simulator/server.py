"""HTTP front of the simulator: vendor APIs routed by path prefix, plus ``/_sim/`` controls.

Standard library only. One lock serialises the engine; every request first advances it to the
current time, so the centre moves exactly as fast as it is looked at.
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

from telephony.simulator import voicenter_wire

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import TracebackType

    from telephony.simulator.callcentre import CallCentre

    # (centre, endpoint after the prefix, params) -> JSON body, or None for an unknown endpoint.
    VendorHandler = Callable[[CallCentre, str, Mapping[str, Any]], dict[str, Any] | None]
    ControlHandler = Callable[[CallCentre, re.Match[str], dict[str, Any]], dict[str, Any]]

log = logging.getLogger(__name__)

JsonReply = tuple[HTTPStatus, dict[str, Any]]


class HttpError(Exception):
    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def _state(centre: CallCentre, match: re.Match[str], body: dict[str, Any]) -> dict[str, Any]:
    return centre.snapshot()


def _freeze(centre: CallCentre, match: re.Match[str], body: dict[str, Any]) -> dict[str, Any]:
    centre.freeze()
    return {"frozen": True}


def _unfreeze(centre: CallCentre, match: re.Match[str], body: dict[str, Any]) -> dict[str, Any]:
    centre.unfreeze()
    return {"frozen": False}


def _agent_status(centre: CallCentre, match: re.Match[str], body: dict[str, Any]) -> dict[str, Any]:
    username, status = match["username"], body.get("status")
    if isinstance(status, bool) or not isinstance(status, int) or status < 1:
        raise HttpError(HTTPStatus.BAD_REQUEST, '"status" must be a positive integer')
    if centre.find_agent(username) is None:
        raise HttpError(HTTPStatus.NOT_FOUND, f"unknown agent {username}")
    centre.set_agent_status(username, status)
    return {"username": username, "status": status}


def _add_caller(centre: CallCentre, match: re.Match[str], body: dict[str, Any]) -> dict[str, Any]:
    queue_id, phone = int(match["queue_id"]), body.get("phone")
    if phone is not None and (not isinstance(phone, str) or not phone.isdigit()):
        raise HttpError(HTTPStatus.BAD_REQUEST, '"phone" must be a string of digits')
    if centre.find_queue(queue_id) is None:
        raise HttpError(HTTPStatus.NOT_FOUND, f"unknown queue {queue_id}")
    return {"call_id": centre.add_caller(queue_id, phone)}


_CONTROLS: tuple[tuple[str, re.Pattern[str], ControlHandler], ...] = (
    ("GET", re.compile(r"/_sim/state"), _state),
    ("POST", re.compile(r"/_sim/freeze"), _freeze),
    ("POST", re.compile(r"/_sim/unfreeze"), _unfreeze),
    ("POST", re.compile(r"/_sim/agents/(?P<username>[^/]+)/status"), _agent_status),
    ("POST", re.compile(r"/_sim/queues/(?P<queue_id>\d+)/callers"), _add_caller),
)


class SimulatorApp:
    """Routing, independent of the HTTP plumbing: (method, path, params) -> (status, JSON)."""

    def __init__(
        self,
        centre: CallCentre,
        vendors: Mapping[str, VendorHandler],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.centre = centre
        self._vendors = vendors
        self._clock = clock
        self._lock = threading.Lock()

    def catch_up(self) -> None:
        """Advance the centre to now (the first call also runs its warm-up)."""
        with self._lock:
            self.centre.advance(self._clock())

    def handle(self, method: str, path: str, params: dict[str, Any]) -> JsonReply:
        with self._lock:
            self.centre.advance(self._clock())
            if path.startswith("/_sim/"):
                return self._control(method, path, params)
            return self._vendor(path, params)

    def _control(self, method: str, path: str, params: dict[str, Any]) -> JsonReply:
        allowed = False
        for verb, pattern, handler in _CONTROLS:
            match = pattern.fullmatch(path)
            if match and verb == method:
                return HTTPStatus.OK, handler(self.centre, match, params)
            allowed = allowed or match is not None
        if allowed:
            raise HttpError(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} not allowed on {path}")
        raise HttpError(HTTPStatus.NOT_FOUND, f"no such path {path}")

    def _vendor(self, path: str, params: dict[str, Any]) -> JsonReply:
        for prefix, handler in self._vendors.items():
            if path.startswith(prefix):
                body = handler(self.centre, path.removeprefix(prefix), params)
                if body is not None:
                    return HTTPStatus.OK, body
        raise HttpError(HTTPStatus.NOT_FOUND, f"no such path {path}")


class _HttpServer(ThreadingHTTPServer):
    app: SimulatorApp


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer
    timeout = 10  # a stalled client must not hold a thread forever

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        # Repeated query parameters: the last one wins.
        params = {key: values[-1] for key, values in parse_qs(url.query).items()}
        self._reply(lambda: self.server.app.handle("GET", url.path, params))

    def do_POST(self) -> None:
        self._reply(lambda: self.server.app.handle("POST", urlsplit(self.path).path, self._body()))

    def _body(self) -> dict[str, Any]:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError as exc:
            raise HttpError(HTTPStatus.BAD_REQUEST, "bad Content-Length") from exc
        raw = self.rfile.read(length) if length > 0 else b""
        if not raw.strip():
            return {}  # control endpoints take an empty body as "no options"
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise HttpError(HTTPStatus.BAD_REQUEST, f"malformed JSON body: {exc}") from exc
        if not isinstance(body, dict):
            raise HttpError(HTTPStatus.BAD_REQUEST, "JSON body must be an object")
        return body

    def _reply(self, handle: Callable[[], JsonReply]) -> None:
        try:
            status, body = handle()
        except HttpError as exc:
            status, body = exc.status, {"error": str(exc)}
        except Exception:
            # The path only: a GET query carries the vendor code, which stays out of logs.
            log.exception("simulator failed on %s %s", self.command, urlsplit(self.path).path)
            status, body = HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "simulator error"}
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        # A line per request is noise at one poll every 2 s; enable DEBUG to see them.
        log.debug("%s - %s", self.address_string(), format % args)


class SimulatorServer:
    """The simulator on a loopback port, served from a daemon thread.

    Usage: ``with SimulatorServer(CallCentre(), port=0) as server:`` then point a Voicenter
    client at ``server.base_url + "/voicenter/comet/API"``.
    """

    def __init__(
        self,
        centre: CallCentre,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        voicenter_code: str = "sim-code",
        clock: Callable[[], float] = time.time,
    ) -> None:
        vendors = {
            voicenter_wire.PREFIX: functools.partial(voicenter_wire.respond, code=voicenter_code)
        }
        self.app = SimulatorApp(centre, vendors, clock)
        self._address = (host, port)
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None

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
        # A short poll interval keeps stop() quick; the wake-ups are negligible.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.1,), name="simulator-http", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is None or self._thread is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
        self._httpd = self._thread = None

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
