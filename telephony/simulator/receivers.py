"""The helpdesk (§5) and Mango call-tracking (§6) as one loopback HTTP server, for tests.

Routes, relative to ``base_url`` (``helpdesk_url`` and ``mango_base_url`` are ready to use):

* ``POST /helpdesk/api/v2/telephony/calls/@<channel key>``: create_call / update_call
* ``POST /mango/v1/calltracking/externalCall?widgetId=<id>``: a finished call (Bearer token)
* ``PUT  /mango/v1/calltracking/externalCall/<callId>?widgetId=<id>``: its recording

Every request is recorded with the status it got (``requests()``, secrets redacted), and
``deliveries()`` / ``duplicates()`` count accepted deliveries per call. The controls make the
receivers misbehave the ways a sink must survive: ``down()`` (503 until ``up()``),
``fail_next(status, body)``, and ``delay(seconds)``, which answers late *after* doing the work,
the case in which a sink's retry turns into a duplicate.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from telephony.simulator import receivers_helpdesk as helpdesk
from telephony.simulator import receivers_mango as mango
from telephony.simulator.protocol import HttpError, Reply
from telephony.simulator.receivers_record import (
    Ledger,
    Received,
    redacted_headers,
    redacted_query,
)

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["ReceiverServer", "Received"]


@dataclass(frozen=True, slots=True)
class Incoming:
    method: str
    target: str  # path and query, as sent
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass(frozen=True, slots=True)
class Parsed:
    service: str
    path: str
    query: dict[str, str]
    form: helpdesk.Form = ()
    json: Any = None
    problem: str = ""  # why the body could not be parsed


class ReceiverServer:
    def __init__(
        self,
        channel_key: str = "sim-channel",
        mango_token: str = "sim-mango",
        widget_id: str = "1",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._ledger = Ledger()
        self.helpdesk = helpdesk.HelpdeskReceiver(channel_key, self._ledger)
        self.mango = mango.MangoReceiver(mango_token, widget_id, self._ledger)
        self._channel_key = channel_key
        self._address = (host, port)
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self._down = False
        self._failures: deque[tuple[HTTPStatus, Any]] = deque()
        self._delay = 0.0
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the receiver server is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def helpdesk_url(self) -> str:
        """The channel URL to give HelpdeskSink (it holds the channel key)."""
        return f"{self.base_url}{helpdesk.PREFIX}@{self._channel_key}"

    @property
    def mango_base_url(self) -> str:
        return self.base_url + mango.PREFIX.removesuffix("/calltracking/externalCall")

    # Controls.

    def down(self) -> None:
        """Answer 503 to everything (and change nothing) until ``up()``."""
        with self._lock:
            self._down = True

    def up(self) -> None:
        with self._lock:
            self._down = False

    def fail_next(self, status: int, body: Any = None) -> None:
        """Answer the next request ``status`` with ``body`` (JSON; bytes as they are), without
        acting on it. No body: the service's own error reply. Calls queue up."""
        with self._lock:
            self._failures.append((HTTPStatus(status), body))

    def delay(self, seconds: float) -> None:
        """Answer every request ``seconds`` late, after acting on it; 0 for on time."""
        with self._lock:
            self._delay = seconds

    # What arrived.

    def requests(self, service: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self._received if service is None or r.service == service]

    def deliveries(self, service: str) -> dict[str, int]:
        """Accepted requests per call id (helpdesk: pbx_call_id, else "#<call_id>")."""
        with self._lock:
            return self._ledger.deliveries(service)

    def duplicates(self, service: str | None = None) -> dict[str, int]:
        with self._lock:
            return self._ledger.duplicates(service)

    # Serving.

    def respond(self, incoming: Incoming) -> tuple[Reply, float]:
        """The reply to one request, and how long to wait before sending it."""
        parsed = parse(incoming)
        with self._lock:
            reply = self._reply(incoming, parsed)
            self._received.append(
                Received(
                    service=parsed.service,
                    method=incoming.method,
                    path=parsed.path.replace(self._channel_key, "<redacted>"),
                    query=redacted_query(parsed.query),
                    headers=redacted_headers(incoming.headers),
                    status=reply.status,
                    form=parsed.form,
                    json=parsed.json,
                )
            )
            return reply, self._delay

    def _reply(self, incoming: Incoming, parsed: Parsed) -> Reply:
        try:
            if self._down:
                raise HttpError(HTTPStatus.SERVICE_UNAVAILABLE, "service unavailable")
            if self._failures:
                return self._failure(parsed.service, *self._failures.popleft())
            if parsed.problem:
                raise HttpError(HTTPStatus.BAD_REQUEST, parsed.problem)
            return self._route(incoming, parsed)
        except HttpError as exc:
            return self._error(parsed.service, exc.status, str(exc))

    def _route(self, incoming: Incoming, parsed: Parsed) -> Reply:
        if parsed.service == helpdesk.SERVICE and incoming.method == "POST":
            return self.helpdesk.handle(parsed.path, parsed.form)
        if parsed.service == mango.SERVICE:
            args = (incoming.method, parsed.path, parsed.query, incoming.headers, parsed.json)
            return self.mango.handle(*args)
        # Not naming the path: the helpdesk's holds the channel key.
        raise HttpError(HTTPStatus.NOT_FOUND, f"no such {incoming.method} endpoint")

    def _failure(self, service: str, status: HTTPStatus, body: Any) -> Reply:
        if body is None:
            return self._error(service, status, "simulated failure")
        if isinstance(body, bytes):
            return Reply(status, body, "text/plain; charset=utf-8")
        return Reply.json(body, status)

    def _error(self, service: str, status: HTTPStatus, message: str) -> Reply:
        if service == mango.SERVICE:
            return self.mango.error(status, message)
        return Reply.json({"error": message}, status)  # the helpdesk's errors are undocumented

    def start(self) -> None:
        self._httpd = _HttpServer(self._address, _Handler)
        self._httpd.receivers = self
        # A short poll interval keeps stop() quick.
        serve = functools.partial(self._httpd.serve_forever, 0.05)
        self._thread = threading.Thread(target=serve, name="receivers-http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is None or self._thread is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
        self._httpd, self._thread = None, None

    def __enter__(self) -> ReceiverServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def parse(incoming: Incoming) -> Parsed:
    """Route by path prefix and parse the body the way that service takes it."""
    url = urlsplit(incoming.target)
    path, query = url.path, dict(parse_qsl(url.query))
    try:
        if path.startswith(helpdesk.PREFIX):
            content_type = incoming.headers.get("content-type", "")
            form = helpdesk.parse_form(content_type, incoming.body)
            return Parsed(helpdesk.SERVICE, path, query, form=form)
        if path.startswith(mango.PREFIX):
            return Parsed(mango.SERVICE, path, query, json=json.loads(incoming.body or b"null"))
    except ValueError as exc:  # JSONDecodeError and UnicodeError included
        service = helpdesk.SERVICE if path.startswith(helpdesk.PREFIX) else mango.SERVICE
        return Parsed(service, path, query, problem=f"unreadable body: {exc}")
    return Parsed("", path, query)


class _HttpServer(ThreadingHTTPServer):
    # Its handler threads are daemons, so a delayed answer does not hold up stop().
    receivers: ReceiverServer


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer
    timeout = 10  # a stalled client must not hold a thread forever

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        headers = {name.lower(): value for name, value in self.headers.items()}
        incoming = Incoming(self.command, self.path, headers, self.rfile.read(length))
        reply, delay = self.server.receivers.respond(incoming)
        time.sleep(delay)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the caller gave up during a delay fault: that is what the fault tests

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the recorded requests say more, without the channel key in the path
