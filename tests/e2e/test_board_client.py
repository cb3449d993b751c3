"""The board client (static/board/*.js) in real Chromium, with no backend.

The real template is rendered with its few template tags substituted and served, with the static
files, from a made-up origin by Playwright's request routing; the action endpoint on that origin
is faked the same way. The page's WebSocket is replaced by a fake the test drives as "the
server", and time is Playwright's fake clock, so ticking timers, backoff and the watchdog run in
milliseconds of real time.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from telephony.model import Agent, Call, Queue, SourceHealth, WaitingCaller
from wallboard.board.stats import DayStats, formula
from wallboard.board.ui_text import ui_text

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "board" / "board.html"
STATIC = ROOT / "static" / "board"
POLL_SECONDS = 2  # so the watchdog and source staleness threshold is 6 s
T0 = 1_760_000_000.0  # the fake clock's "now" when each test starts, in epoch seconds
WS_PATH = "/ws/boards/floor/?token=abc"
ORIGIN = "http://wallboard.test"
BOARD_PATH = "/boards/floor/"
ACTIONS_PATH = "/api/actions/"
CODE_VERSION = "c0de1"
CSRF_TOKEN = "csrf-7Yq2"

# How a board looks and when it warns (views.screen_config), with the Board model's defaults.
THRESHOLDS = {
    "wait_warn_seconds": 60,
    "wait_alert_seconds": 180,
    "pause_alert_seconds": {"Lunch break": 3600, "Training": 600},
    "pause_alert_default_seconds": 900,
    "service_level_target_pct": 80,
}
SCREEN_CONFIG = {
    "language": "en",
    "dir": "ltr",
    "time_zone": "UTC",
    "density": "auto",
    "sms_ticker": False,
    "thresholds": THRESHOLDS,
    "text": ui_text("en"),
}
# board_config as wallboard/board/views.py builds it: a TV's, opened with its token...
TV_CONFIG = {
    "ws_url": WS_PATH,
    "poll_seconds": POLL_SECONDS,
    "board_name": "Floor",
    "board_slug": "floor",
    "code_version": CODE_VERSION,
    "can_act": False,
    **SCREEN_CONFIG,
}
# ...and a logged-in supervisor's. Yemot can only place calls; virtualats can do nothing.
SUPERVISOR_CONFIG = {
    **TV_CONFIG,
    "ws_url": "/ws/boards/floor/",
    "can_act": True,
    "csrf_token": CSRF_TOKEN,
    "actions_url": ACTIONS_PATH,
    "capabilities": {
        "voicenter": ["call", "hangup", "kick", "pause", "unpause"],
        "yemot": ["call"],
        "virtualats": [],
    },
    "kick_destinations": [
        {"label": "Voicemail", "value": "vm-100"},
        {"label": "Night queue", "value": "q-night"},
    ],
    "bridge_paths": [],
}

# The server end of the socket lives in the page: each `new WebSocket()` the client makes is
# recorded, and the test opens it, pushes messages into it, reads what was sent, or drops it.
FAKE_WEBSOCKET = """
(() => {
  const sockets = [];
  class FakeWebSocket extends EventTarget {
    constructor(url) {
      super();
      this.url = url;
      this.readyState = FakeWebSocket.CONNECTING;
      this.sent = [];
      sockets.push(this);
    }
    send(data) {
      if (this.readyState === FakeWebSocket.CONNECTING) {
        throw new DOMException("still connecting", "InvalidStateError");
      }
      if (this.readyState === FakeWebSocket.OPEN) this.sent.push(JSON.parse(data));
    }
    close() {
      if (this.readyState === FakeWebSocket.CLOSED) return;
      this.readyState = FakeWebSocket.CLOSED;
      this.fire(new CloseEvent("close", { code: 1000 }));
    }
    serverAccept() {
      this.readyState = FakeWebSocket.OPEN;
      this.fire(new Event("open"));
    }
    serverPush(message) {
      this.fire(new MessageEvent("message", { data: JSON.stringify(message) }));
    }
    serverDrop() {
      this.readyState = FakeWebSocket.CLOSED;
      this.fire(new CloseEvent("close", { code: 1006 }));
    }
    // Both listener styles, as on a real socket.
    fire(event) {
      this.dispatchEvent(event);
      const handler = this["on" + event.type];
      if (typeof handler === "function") handler.call(this, event);
    }
  }
  Object.assign(FakeWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  Object.assign(FakeWebSocket.prototype, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = FakeWebSocket;
  window.fakeSockets = sockets;
})();
"""


class FakeServer:
    """Drives the newest fake socket the page opened."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def _call(self, method: str, arg: Any = None) -> Any:
        return self.page.evaluate(
            "([method, arg]) => window.fakeSockets.at(-1)[method](arg)", [method, arg]
        )

    @property
    def sockets_opened(self) -> int:
        return self.page.evaluate("window.fakeSockets.length")

    @property
    def url(self) -> str:
        return self.page.evaluate("window.fakeSockets.at(-1).url")

    @property
    def received(self) -> list[dict[str, Any]]:
        return self.page.evaluate("window.fakeSockets.at(-1).sent")

    def accept(self) -> None:
        self._call("serverAccept")

    def push(self, message: dict[str, Any]) -> None:
        self._call("serverPush", message)

    def drop(self) -> None:
        self._call("serverDrop")


# ----- the normalised model, built with the real structs so field names cannot drift ---------


def agent(agent_id: str, name: str, state: str = "available", **fields: Any) -> dict[str, Any]:
    fields.setdefault("extension", agent_id.rsplit(":", 1)[-1])
    fields.setdefault("state_since", T0 - 60)
    fields.setdefault("registered", True)
    source = agent_id.split(":", 1)[0]
    return msgspec.to_builtins(Agent(id=agent_id, source=source, name=name, state=state, **fields))


def call(call_id: str, direction: str, caller: str, callee: str, **fields: Any) -> dict[str, Any]:
    fields.setdefault("status", "talking")
    fields.setdefault("started_at", T0 - 120)
    source = call_id.split(":", 1)[0]
    built = Call(
        id=call_id, source=source, direction=direction, caller=caller, callee=callee, **fields
    )
    return msgspec.to_builtins(built)


def queue(queue_id: str, name: str, waiting: list[tuple[str, float]] = ()) -> dict[str, Any]:
    callers = [
        WaitingCaller(call_id=f"{queue_id}-w{n}", phone=phone, joined_at=joined_at)
        for n, (phone, joined_at) in enumerate(waiting)
    ]
    source = queue_id.split(":", 1)[0]
    return msgspec.to_builtins(Queue(id=queue_id, source=source, name=name, waiting=callers))


def source_health(name: str, ok: bool = True, age: float = 1, **fields: Any) -> dict[str, Any]:
    fields.setdefault("last_ok_at", T0 - age)
    return msgspec.to_builtins(SourceHealth(source=name, ok=ok, checked_at=T0, **fields))


def keyed(entities: list[dict[str, Any]], key: str = "id") -> dict[str, dict[str, Any]]:
    return {entity[key]: entity for entity in entities}


def day_stats(**fields: Any) -> dict[str, Any]:
    """A source's DayStats; with no fields, a day with no finished calls yet."""
    fields.setdefault("service_level_seconds", 20)
    values = {
        "day": "2025-10-09",
        "offered": 0,
        "answered": 0,
        "missed": 0,
        "abandon_pct": None,
        "service_level_pct": None,
        "service_level_formula": formula(fields["service_level_seconds"]),
        "asa_seconds": None,
        "aht_seconds": None,
        "outbound": 0,
        **fields,
    }
    return msgspec.to_builtins(DayStats(**values))


def recent_call(call_id: str, started_at: float, **fields: Any) -> dict[str, Any]:
    """One entry of state.recent_calls, as the server lists a finished call."""
    return {
        "id": call_id,
        "direction": "inbound",
        "disposition": "answered",
        "caller": "+972501112233",
        "callee": "201",
        "agent_extension": "201",
        "started_at": started_at,
        "talk_seconds": 95.0,
        "recording_path": None,
        **fields,
    }


def snapshot(
    version: int,
    agents=(),
    calls=(),
    queues=(),
    sources=(),
    stats=None,
    recent_calls=None,
    sms=None,
    series=None,
    code_version: str = CODE_VERSION,
) -> dict[str, Any]:
    return {
        "type": "snapshot",
        "version": version,
        "server_time": T0,
        "code_version": code_version,
        "state": {
            "agents": keyed(list(agents)),
            "calls": keyed(list(calls)),
            "queues": keyed(list(queues)),
            "sources": keyed(list(sources) or [source_health("voicenter")], key="source"),
            "stats": stats or {},
            "recent_calls": recent_calls or {},
            "sms": sms or {},
            "series": series or {},
        },
    }


def delta(version: int, **changes: dict[str, Any]) -> dict[str, Any]:
    return {"type": "delta", "version": version, "server_time": T0, "changes": changes}


# ----- page plumbing -------------------------------------------------------------------------


def render_board_page(config: dict[str, Any]) -> str:
    """The real template with its tags filled in the way Django would for board "floor"."""
    config_script = (
        f'<script id="board-config" type="application/json">{json.dumps(config)}</script>'
    )
    text = re.sub(r"\{#.*?#\}", "", TEMPLATE.read_text(encoding="utf-8"))
    for tag, value in {
        "{% load static %}": "",
        "{{ board.name }}": html.escape("Call centre floor"),
        '{{ board_config|json_script:"board-config" }}': config_script,
    }.items():
        text = text.replace(tag, value)
    # {{ board_config.text.waiting }} and the like: a key the config lacks renders empty.
    text = re.sub(
        r"\{\{ board_config\.([\w.]+) \}\}",
        lambda match: html.escape(str(config_value(config, match.group(1)))),
        text,
    )
    # Only the board's own files; one that does not exist is a 404 and fails the test.
    text = re.sub(r"\{% static '(board/[\w.-]+)' %\}", r"/static/\1", text)
    leftover = re.search(r"\{[{%].*?[}%]\}", text)
    assert leftover is None, f"the harness does not render {leftover.group()}: teach it"
    return text


def config_value(config: dict[str, Any], dotted: str) -> Any:
    value: Any = config
    for key in dotted.split("."):
        value = value.get(key, "") if isinstance(value, dict) else ""
    return value


def serve_board(page: Page, config: dict[str, Any]) -> None:
    """The made-up origin: the board page and its static files; anything else is a 404."""
    page_html = render_board_page(config)

    def handle(route: Route) -> None:
        path = urlsplit(route.request.url).path
        static_file = STATIC / path.removeprefix("/static/board/")
        if path == BOARD_PATH:
            route.fulfill(body=page_html, content_type="text/html; charset=utf-8")
        elif path.startswith("/static/board/") and static_file.is_file():
            route.fulfill(path=static_file)
        else:
            route.fulfill(status=404, body="not found")

    page.route(f"{ORIGIN}/**", handle)


def is_page_error(message: Any) -> bool:
    """Console errors count, except Chromium's own note of an action answered 4xx or 5xx:
    tests make the fake endpoint refuse on purpose, and the page shows it in a toast."""
    if message.type != "error":
        return False
    return not message.location.get("url", "").startswith(ORIGIN + ACTIONS_PATH)


@pytest.fixture
def board_config() -> dict[str, Any]:
    """A TV's page; `as_supervisor` swaps in a logged-in supervisor's."""
    return TV_CONFIG


as_supervisor = pytest.mark.parametrize("board_config", [SUPERVISOR_CONFIG], ids=["supervisor"])


@pytest.fixture
def init_scripts() -> list[str]:
    """Scripts run in the page before its own, after the fake socket: a test may stub more."""
    return []


@pytest.fixture
def page(browser: Browser, board_config: dict[str, Any], init_scripts: list[str]) -> Page:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    board_page = context.new_page()
    errors: list[str] = []
    board_page.on("pageerror", lambda error: errors.append(str(error)))
    board_page.on("console", lambda msg: errors.append(msg.text) if is_page_error(msg) else None)
    board_page.add_init_script(FAKE_WEBSOCKET)
    for script in init_scripts:
        board_page.add_init_script(script)
    serve_board(board_page, board_config)
    board_page.clock.install(time=T0 - 2)
    board_page.goto(ORIGIN + BOARD_PATH)
    board_page.clock.pause_at(T0)
    yield board_page
    context.close()
    assert errors == [], "the page raised or logged errors"


class FakeActions:
    """The action endpoint: records each POST and answers it with the reply set for its action
    (a 200 "OK" unless told otherwise). `hold()` keeps the next request in flight until
    `release()`, to see the page while it waits."""

    def __init__(self, page: Page) -> None:
        self.requests: list[dict[str, Any]] = []
        self.replies: dict[str, tuple[int, dict[str, Any]]] = {}
        self.held: list[tuple[Route, str]] = []
        self.holding = False
        page.route(f"{ORIGIN}{ACTIONS_PATH}**", self._handle)

    def reply(self, action: str, status: int, body: dict[str, Any]) -> None:
        self.replies[action] = (status, body)

    def hold(self) -> None:
        self.holding = True

    def release(self) -> None:
        self.holding = False
        for route, action in self.held:
            self._answer(route, action)
        self.held.clear()

    def _handle(self, route: Route) -> None:
        request = route.request
        action = urlsplit(request.url).path.removeprefix(ACTIONS_PATH).strip("/")
        self.requests.append(
            {
                "method": request.method,
                "path": urlsplit(request.url).path,
                "headers": request.all_headers(),
                "json": request.post_data_json,
            }
        )
        if self.holding:
            self.held.append((route, action))
        else:
            self._answer(route, action)

    def _answer(self, route: Route, action: str) -> None:
        status, body = self.replies.get(action, (200, {"ok": True, "message": "OK"}))
        route.fulfill(status=status, json=body)


@pytest.fixture
def actions(page: Page) -> FakeActions:
    return FakeActions(page)


@pytest.fixture
def server(page: Page) -> FakeServer:
    fake = FakeServer(page)
    fake.accept()
    return fake


def tile(page: Page, agent_id: str):
    return page.locator(f'.agent[data-id="{agent_id}"]')


def queue_panel(page: Page, queue_id: str):
    return page.locator(f'.queue[data-id="{queue_id}"]')


# ----- protocol ------------------------------------------------------------------------------


def test_a_snapshot_renders_agents_and_queues(page: Page, server: FakeServer) -> None:
    server.push(
        snapshot(
            1,
            agents=[
                agent("voicenter:201", "Dana Levi", "talking", call_ids=["voicenter:c1"]),
                agent(
                    "voicenter:202",
                    "Əli Məmmədov",
                    "paused",
                    state_reason="Lunch break",
                    state_since=T0 - 300,
                ),
                agent("voicenter:203", "דנה כהן", registered=False),
                agent("voicenter:204", "Boris Ivanov", "dialing", call_ids=["voicenter:c2"]),
            ],
            calls=[
                call("voicenter:c1", "inbound", "+972501234567", "201", answered_at=T0 - 75),
                call("voicenter:c2", "outbound", "204", "+994125551234", status="dialing"),
            ],
            queues=[
                queue("voicenter:sales", "Sales", [("+9723111", T0 - 30), ("+9723999", T0 - 90)]),
                queue("voicenter:support", "Support"),
            ],
        )
    )

    assert server.url.endswith(WS_PATH)
    assert page.evaluate("window.wallboard.version") == 1
    assert page.locator("body").get_attribute("data-version") == "1"
    assert page.locator("#connection").get_attribute("data-status") == "live"
    # Sorted by name, names exactly as the PBX gave them.
    assert page.locator(".agent-name").all_inner_texts() == [
        "Boris Ivanov",
        "Dana Levi",
        "Əli Məmmədov",
        "דנה כהן",
    ]
    talking = tile(page, "voicenter:201")
    assert "state-talking" in talking.get_attribute("class")
    assert talking.locator(".agent-state").inner_text().lower() == "talking"
    assert talking.locator(".agent-party").inner_text() == "+972501234567"
    assert talking.locator(".agent-timer").inner_text() == "1:15"  # since answered
    dialing = tile(page, "voicenter:204")
    assert dialing.locator(".agent-party").inner_text() == "+994125551234"  # outbound: callee
    assert dialing.locator(".agent-timer").inner_text() == "2:00"  # since started
    paused = tile(page, "voicenter:202")
    assert paused.locator(".agent-reason").inner_text() == "Lunch break"
    assert paused.locator(".agent-timer").inner_text() == "5:00"
    assert paused.locator(".agent-call").is_hidden()
    assert (
        tile(page, "voicenter:203")
        .locator(".agent-flag")
        .inner_text()
        .endswith("Phone not registered")
    )
    assert paused.locator(".agent-flag").is_hidden()
    sales = queue_panel(page, "voicenter:sales")
    assert sales.locator(".queue-count-value").inner_text() == "2"
    assert sales.locator(".queue-longest-value").inner_text() == "1:30"
    assert sales.locator(".queue-caller-phone").all_inner_texts() == ["+9723999", "+9723111"]
    support = queue_panel(page, "voicenter:support")
    assert support.locator(".queue-count-value").inner_text() == "0"
    assert support.locator(".queue-count-value").is_visible()


def test_a_delta_changes_one_agent_without_touching_the_others(
    page: Page, server: FakeServer
) -> None:
    server.push(snapshot(1, agents=[agent("x:1", "Anna"), agent("x:2", "Ben")]))
    anna_node = tile(page, "x:1").element_handle()
    ben_node = tile(page, "x:2").element_handle()
    # Count every DOM mutation inside Ben's tile from here on.
    page.evaluate(
        """(node) => {
            window.benMutations = 0;
            new MutationObserver((records) => { window.benMutations += records.length; })
              .observe(node, { subtree: true, childList: true, attributes: true,
                               characterData: true });
        }""",
        ben_node,
    )

    server.push(delta(2, agents={"x:1": agent("x:1", "Anna", "ringing", state_since=T0)}))

    assert page.evaluate("window.wallboard.version") == 2
    assert page.evaluate("window.wallboard.state.agents['x:1'].state") == "ringing"
    assert "state-ringing" in tile(page, "x:1").get_attribute("class")
    assert tile(page, "x:1").locator(".agent-timer").inner_text() == "0:00"
    assert page.evaluate("(node) => node.isConnected && node.dataset.id === 'x:1'", anna_node)
    assert page.evaluate("(node) => node === document.querySelector('[data-id=\"x:2\"]')", ben_node)
    assert page.evaluate("window.benMutations") == 0


def test_a_changed_call_updates_the_tile_of_the_agent_on_it(page: Page, server: FakeServer) -> None:
    on_call = agent("x:1", "Anna", "talking", call_ids=["x:c1"], state_since=T0 - 10)
    server.push(snapshot(1, agents=[on_call], calls=[call("x:c1", "inbound", "+15550001", "1")]))
    assert tile(page, "x:1").locator(".agent-party").inner_text() == "+15550001"

    transferred = call("x:c1", "inbound", "+15550002", "1", answered_at=T0 - 30)
    server.push(delta(2, calls={"x:c1": transferred}))
    assert tile(page, "x:1").locator(".agent-party").inner_text() == "+15550002"
    assert tile(page, "x:1").locator(".agent-timer").inner_text() == "0:30"

    server.push(delta(3, calls={"x:c1": None}))
    assert tile(page, "x:1").locator(".agent-call").is_hidden()
    assert tile(page, "x:1").locator(".agent-timer").inner_text() == "0:10"  # back to state time


def test_a_version_gap_sends_one_resync_and_ignores_deltas_until_the_next_snapshot(
    page: Page, server: FakeServer
) -> None:
    server.push(snapshot(1, agents=[agent("x:1", "Anna")]))

    server.push(delta(3, agents={"x:1": agent("x:1", "Anna", "talking")}))
    server.push(delta(4, agents={"x:1": agent("x:1", "Anna", "hold")}))

    assert server.received == [{"type": "resync"}]
    assert page.evaluate("window.wallboard.version") == 1
    assert "state-available" in tile(page, "x:1").get_attribute("class")

    server.push(snapshot(7, agents=[agent("x:1", "Anna", "paused")]))
    server.push(delta(8, agents={"x:1": agent("x:1", "Anna", "offline")}))

    assert page.evaluate("window.wallboard.version") == 8
    assert "state-offline" in tile(page, "x:1").get_attribute("class")
    assert server.received == [{"type": "resync"}]


def test_an_old_or_repeated_delta_is_ignored(page: Page, server: FakeServer) -> None:
    server.push(snapshot(5, agents=[agent("x:1", "Anna")]))

    server.push(delta(5, agents={"x:1": agent("x:1", "Anna", "talking")}))
    server.push(delta(2, agents={"x:1": agent("x:1", "Anna", "hold")}))

    assert page.evaluate("window.wallboard.version") == 5
    assert "state-available" in tile(page, "x:1").get_attribute("class")
    assert server.received == []


def test_a_removed_agent_or_queue_disappears(page: Page, server: FakeServer) -> None:
    server.push(
        snapshot(
            1,
            agents=[agent("x:1", "Anna"), agent("x:2", "Ben")],
            queues=[queue("x:q1", "Sales"), queue("x:q2", "Support")],
        )
    )

    server.push(delta(2, agents={"x:1": None}, queues={"x:q2": None}))

    assert page.locator(".agent").count() == 1
    assert tile(page, "x:1").count() == 0
    assert tile(page, "x:2").is_visible()
    assert page.locator(".queue-name").all_inner_texts() == ["Sales"]


@as_supervisor
def test_tiles_keep_name_order_as_agents_come_and_are_renamed(
    page: Page, server: FakeServer
) -> None:
    names = ["Noa", "Avi", "Gal", "Avi", "Dor", "Tal", "Ella", "Ben", "Omer", "Yael"]
    agents = [agent(f"voicenter:{n:02d}", name) for n, name in enumerate(names)]
    server.push(snapshot(1, agents=agents))
    ids = "[...document.querySelectorAll('.agent')].map(t => t.dataset.id)"
    listed = page.evaluate(ids)
    by_name = sorted(agents, key=lambda a: (a["name"], a["id"]))  # equal names: by id
    assert listed == [a["id"] for a in by_name]

    tile(page, "voicenter:04").focus()  # Dor, whose place does not change (a supervisor's tile)
    server.push(
        delta(
            2,
            agents={
                "voicenter:00": agent("voicenter:00", "Aaron"),  # Noa renamed: moves to the front
                "voicenter:10": agent("voicenter:10", "Zoe"),  # a newcomer: at the end
                "voicenter:11": agent("voicenter:11", "Carmel"),
                "voicenter:04": agent("voicenter:04", "Dor", "talking"),  # changed, same name
            },
        )
    )

    expected = ["Aaron", "Avi", "Avi", "Ben", "Carmel", "Dor", "Ella", "Gal", "Omer", "Tal"]
    assert page.locator(".agent-name").all_inner_texts() == [*expected, "Yael", "Zoe"]
    assert page.evaluate("document.activeElement.dataset.id") == "voicenter:04"


def test_wait_timers_tick_without_messages(page: Page, server: FakeServer) -> None:
    server.push(
        snapshot(
            1,
            agents=[agent("x:1", "Anna", "paused", state_since=T0 - 3725)],
            queues=[queue("x:q1", "Sales", [("+15550001", T0 - 59)])],
        )
    )
    sales = queue_panel(page, "x:q1")
    assert sales.locator(".queue-longest-value").inner_text() == "0:59"

    page.clock.run_for(2000)

    assert sales.locator(".queue-longest-value").inner_text() == "1:01"
    assert sales.locator(".queue-caller-wait").inner_text() == "1:01"
    assert tile(page, "x:1").locator(".agent-timer").inner_text() == "1:02:07"
    assert page.evaluate("window.wallboard.version") == 1


def test_durations_follow_the_server_clock_not_the_screen_clock(
    page: Page, server: FakeServer
) -> None:
    message = snapshot(1, queues=[queue("x:q1", "Sales", [("+15550001", T0 + 25)])])
    message["server_time"] = T0 + 30  # the TV's clock is 30 s behind the server's

    server.push(message)

    assert page.evaluate("window.wallboard.offset") == pytest.approx(30)
    assert queue_panel(page, "x:q1").locator(".queue-longest-value").inner_text() == "0:05"


def test_a_stale_source_shows_how_old_its_data_is(page: Page, server: FakeServer) -> None:
    server.push(
        snapshot(
            1,
            sources=[
                source_health("voicenter", ok=False, age=42, last_error="HTTP 502 Bad Gateway"),
                source_health("virtualats", ok=True, age=1),
            ],
        )
    )
    voicenter = page.locator('.source[data-id="voicenter"]')
    virtualats = page.locator('.source[data-id="virtualats"]')

    assert voicenter.inner_text() == "voicenter: data 42 s old · HTTP 502 Bad Gateway"
    assert "is-stale" in voicenter.get_attribute("class")
    assert virtualats.inner_text() == "virtualats"
    assert "is-fresh" in virtualats.get_attribute("class")

    # No news for longer than 3 polls turns even an "ok" source stale, and ages keep ticking.
    page.clock.run_for(6000)

    assert voicenter.inner_text().startswith("voicenter: data 48 s old")
    assert virtualats.inner_text() == "virtualats: data 7 s old"


def test_a_closed_socket_shows_the_reconnecting_banner_and_reconnects(
    page: Page, server: FakeServer
) -> None:
    server.push(snapshot(1, agents=[agent("x:1", "Anna")]))
    assert page.locator("#banner").is_hidden()

    server.drop()

    assert page.locator("#banner").is_visible()
    assert page.locator("#banner-text").inner_text() == "Reconnecting… attempt 1"
    assert page.locator("#connection").get_attribute("data-status") == "reconnecting"
    assert page.evaluate("window.wallboard.connected") is False
    assert tile(page, "x:1").is_visible()  # the last known board stays up, dimmed

    page.clock.run_for(1000)  # the first retry comes within a second

    assert server.sockets_opened == 2
    server.accept()
    assert page.locator("#banner").is_visible()  # until the snapshot, not merely the open
    server.push(snapshot(1, agents=[agent("x:1", "Anna", "talking")]))

    assert page.locator("#banner").is_hidden()
    assert page.locator("#connection").get_attribute("data-status") == "live"
    assert "state-talking" in tile(page, "x:1").get_attribute("class")


def test_reconnect_delays_double_from_one_second_up_to_thirty(
    page: Page, server: FakeServer
) -> None:
    page.evaluate("Math.random = () => 0.9999999")  # jitter at its top: the full delay

    for attempt, delay_ms in enumerate([1000, 2000, 4000, 8000, 16000, 30000, 30000], start=1):
        server.drop()
        assert page.locator("#banner-text").inner_text() == f"Reconnecting… attempt {attempt}"
        page.clock.run_for(delay_ms - 50)
        assert server.sockets_opened == attempt, f"attempt {attempt} came early"
        page.clock.run_for(50)
        assert server.sockets_opened == attempt + 1, f"attempt {attempt} did not come"
        server.accept()


def test_silence_for_three_polls_shows_no_updates_and_forces_a_reconnect(
    page: Page, server: FakeServer
) -> None:
    server.push(snapshot(1, agents=[agent("x:1", "Anna")]))

    page.clock.run_for(6000)
    assert page.locator("#banner").is_hidden()
    page.clock.run_for(1000)

    assert page.locator("#banner-text").inner_text().startswith("No updates for 7 s")
    assert page.locator("#connection").get_attribute("data-status") == "silent"
    assert page.evaluate("window.fakeSockets[0].readyState") == 3  # closed by the client
    page.clock.run_for(1000)
    assert server.sockets_opened == 2


def test_pbx_strings_are_shown_as_text_never_as_markup(page: Page, server: FakeServer) -> None:
    hostile = '<img src=x onerror="window.pwned = 1">Bob'
    server.push(
        snapshot(
            1,
            agents=[agent("x:1", hostile, "paused", state_reason="<b>Lunch</b>")],
            queues=[queue("x:q1", "<i>Sales</i>", [("<script>1</script>", T0)])],
        )
    )

    assert tile(page, "x:1").locator(".agent-name").inner_text() == hostile
    assert tile(page, "x:1").locator(".agent-reason").inner_text() == "<b>Lunch</b>"
    assert queue_panel(page, "x:q1").locator(".queue-name").inner_text() == "<i>Sales</i>"
    assert page.locator("main img, main b, main i, main script").count() == 0
    assert page.evaluate("window.pwned") is None


# ----- today's statistics --------------------------------------------------------------------


def stat_values(page: Page) -> dict[str, str]:
    return page.eval_on_selector_all(
        ".stat",
        "cells => Object.fromEntries(cells.map(c => "
        "[c.dataset.stat, c.querySelector('.stat-value').textContent]))",
    )


def test_todays_statistics_show_a_dash_for_no_data_and_follow_deltas(
    page: Page, server: FakeServer
) -> None:
    server.push(snapshot(1))
    assert set(stat_values(page).values()) == {"–"}

    server.push(delta(2, stats={"voicenter": day_stats()}))  # a day with no calls yet
    assert stat_values(page) == {
        "offered": "0", "answered": "0", "missed": "0", "abandon": "–",
        "service_level": "–", "asa": "–", "aht": "–", "outbound": "0",
    }  # fmt: skip
    service_level = page.locator('.stat[data-stat="service_level"]')
    assert service_level.locator(".stat-label").inner_text() == "SL 20 s"
    caption = service_level.locator(".stat-caption")
    assert caption.inner_text() == formula(20)
    assert caption.is_visible()

    busy_morning = day_stats(
        offered=120, answered=110, missed=10, abandon_pct=8.3, service_level_pct=84.2,
        asa_seconds=14.4, aht_seconds=185.0, outbound=40,
    )  # fmt: skip
    server.push(delta(3, stats={"voicenter": busy_morning}))

    assert stat_values(page) == {
        "offered": "120", "answered": "110", "missed": "10", "abandon": "8.3%",
        "service_level": "84.2%", "asa": "0:14", "aht": "3:05", "outbound": "40",
    }  # fmt: skip


def test_figures_counted_from_another_zones_midnight_say_so(page: Page, server: FakeServer) -> None:
    title = page.locator(".stats-title")
    server.push(snapshot(1, stats={"voicenter": day_stats(time_zone="UTC")}))  # the board's zone
    assert title.text_content() == "Today"

    jerusalem = {"voicenter": day_stats(time_zone="Asia/Jerusalem")}
    server.push(delta(2, stats=jerusalem))
    assert title.text_content() == "Today from 00:00 Asia/Jerusalem"


def test_statistics_of_several_sources_add_up_from_their_counts(
    page: Page, server: FakeServer
) -> None:
    voicenter = day_stats(
        offered=100, answered=90, missed=10, abandon_pct=10.0, service_level_pct=80.0,
        asa_seconds=10.0, aht_seconds=200.0, outbound=7,
    )  # fmt: skip
    yemot = day_stats(
        offered=50, answered=40, missed=10, abandon_pct=20.0, service_level_pct=60.0,
        asa_seconds=25.0, aht_seconds=100.0, outbound=3,
    )  # fmt: skip
    yesterday = day_stats(day="2025-10-08", offered=999, answered=999)  # not refreshed yet

    server.push(snapshot(1, stats={"voicenter": voicenter, "yemot": yemot, "old": yesterday}))

    # Rates from the summed counts: SL (80 + 30) / 150, ASA and AHT weighted by answered calls.
    assert stat_values(page) == {
        "offered": "150", "answered": "130", "missed": "20", "abandon": "13.3%",
        "service_level": "73.3%", "asa": "0:15", "aht": "2:49", "outbound": "10",
    }  # fmt: skip
    assert "yemot: 50 offered" in page.locator("#stats").get_attribute("title")

    server.push(delta(2, stats={"yemot": {**yemot, "service_level_seconds": 30}}))

    service_level = page.locator('.stat[data-stat="service_level"]')
    assert service_level.locator(".stat-value").inner_text() == "–"
    assert service_level.locator(".stat-caption").inner_text() == (
        "sources use different SL thresholds"
    )


# ----- supervisors ---------------------------------------------------------------------------

# Whatever is a control, or could become one.
CONTROLS = "button, input, select, textarea, a[href], audio, dialog, [tabindex], [role=button]"


def action_panel(page: Page):
    return page.locator(".action-panel")


def a_floor_with_something_to_act_on() -> dict[str, Any]:
    return snapshot(
        1,
        agents=[
            agent("voicenter:201", "Dana Levi", "talking", call_ids=["voicenter:c1"]),
            agent("yemot:7", "Yossi Cohen"),
            agent("virtualats:100", "Leyla Həsənova"),
        ],
        calls=[call("voicenter:c1", "inbound", "+972501234567", "201", answered_at=T0 - 75)],
        queues=[
            queue("voicenter:sales", "Sales", [("0501234567", T0 - 90), ("0529876543", T0 - 30)]),
            queue("yemot:/1/2", "Support", [("0771112222", T0 - 20)]),
        ],
        stats={"voicenter": day_stats(offered=3, answered=3)},
        recent_calls={
            "voicenter": [recent_call("voicenter:r1", T0 - 300, recording_path="/rec/r1.mp3")]
        },
    )


@pytest.mark.parametrize(
    "board_config",
    [{**TV_CONFIG, "capabilities": SUPERVISOR_CONFIG["capabilities"]}],
    ids=["tv-with-capabilities"],
)
def test_a_tv_shows_no_controls_but_the_sound_switch(page: Page, server: FakeServer) -> None:
    server.push(a_floor_with_something_to_act_on())

    tile(page, "voicenter:201").click()
    queue_panel(page, "voicenter:sales").locator(".queue-caller").first.click()

    # Whoever sets the TV up may turn its alert sound on; nothing else on it can be operated.
    assert page.locator(CONTROLS).evaluate_all("nodes => nodes.map(n => n.className)") == [
        "sound-toggle"
    ]
    assert page.locator(".is-actionable").count() == 0
    assert page.locator("#recent").is_hidden()
    assert page.locator(".recent-call, .toasts").count() == 0


@as_supervisor
def test_a_supervisor_calls_a_number_from_an_agent_tile(
    page: Page, server: FakeServer, actions: FakeActions
) -> None:
    actions.reply(
        "call",
        200,
        {"ok": True, "message": "Calling +972501234567 from ext. 201", "vendor_response": "{}"},
    )
    server.push(a_floor_with_something_to_act_on())

    tile(page, "voicenter:201").click()
    panel = action_panel(page)
    expect(panel).to_be_visible()
    assert panel.locator(".panel-title").inner_text() == "Dana Levi"
    number = panel.get_by_role("textbox", name="Call a number")
    expect(number).to_be_focused()
    number.fill(" +972 (50) 123-4567 ")
    panel.get_by_role("button", name="Call", exact=True).click()

    toast = page.locator(".toast")
    expect(toast).to_contain_text("Calling +972501234567 from ext. 201")
    assert toast.locator(".toast-title").inner_text() == "Call +972 (50) 123-4567 from Dana Levi"
    [request] = actions.requests
    assert request["method"] == "POST"
    assert request["path"] == "/api/actions/call/"
    assert request["headers"]["x-csrftoken"] == CSRF_TOKEN
    assert request["headers"]["content-type"] == "application/json"
    assert request["json"] == {
        "agent_id": "voicenter:201",
        "number": "+972 (50) 123-4567",
        "board": "floor",
    }
    expect(panel).to_be_hidden()  # done: back to the board, where it was opened
    expect(tile(page, "voicenter:201")).to_be_focused()

    page.clock.run_for(6000)
    expect(toast).to_have_count(0)


@as_supervisor
def test_an_invalid_number_is_refused_before_any_request(
    page: Page, server: FakeServer, actions: FakeActions
) -> None:
    server.push(a_floor_with_something_to_act_on())
    tile(page, "voicenter:201").click()
    panel = action_panel(page)
    number = panel.get_by_role("textbox", name="Call a number")
    error = panel.locator(".panel-error")

    for bad in ["12", "050-CALL-NOW", "050+1234567", "++972501234567", "1" * 21, ""]:
        number.fill(bad)
        panel.get_by_role("button", name="Call", exact=True).click()
        expect(error).to_contain_text("Enter 3–20 digits")
        assert number.get_attribute("aria-invalid") == "true", bad
        expect(number).to_be_focused()

    number.fill("0")  # typing clears the complaint
    expect(error).to_be_hidden()
    assert actions.requests == []
    expect(panel).to_be_visible()


@as_supervisor
def test_hanging_up_a_call_takes_a_confirmation(
    page: Page, server: FakeServer, actions: FakeActions
) -> None:
    actions.reply("hangup", 200, {"ok": True, "message": "Call ended"})
    server.push(a_floor_with_something_to_act_on())
    tile(page, "voicenter:201").click()
    panel = action_panel(page)
    row = panel.locator('.panel-row[data-call-id="voicenter:c1"]')
    assert row.locator(".panel-party").inner_text() == "+972501234567"
    assert row.locator(".panel-timer").inner_text() == "1:15"

    row.get_by_role("button", name="Hang up").click()
    assert actions.requests == []
    expect(row.locator(".panel-question")).to_have_text("Hang up the call with +972501234567?")
    expect(row.get_by_role("button", name="Cancel")).to_be_focused()
    row.locator(".panel-confirm").get_by_role("button", name="Hang up").click()

    expect(page.locator(".toast")).to_contain_text("Call ended")
    assert [r["json"] for r in actions.requests] == [{"call_id": "voicenter:c1", "board": "floor"}]


@as_supervisor
def test_kick_asks_first_reports_each_call_and_removes_the_caller_until_the_server_says(
    page: Page, server: FakeServer, actions: FakeActions
) -> None:
    vendor = {"status": {"805c1f2a": "Call not found", "f6651ab9": "OK"}}
    actions.reply(
        "kick",
        200,
        {"ok": True, "message": "Removed from Sales", "vendor_response": json.dumps(vendor)},
    )
    floor = a_floor_with_something_to_act_on()
    server.push(floor)
    sales = queue_panel(page, "voicenter:sales")

    sales.locator(".queue-caller", has_text="0501234567").click()
    panel = action_panel(page)
    confirm = panel.locator(".panel-confirm")
    expect(confirm.locator(".panel-question")).to_have_text("Remove 0501234567 from Sales?")
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    assert confirm.locator("option").all_inner_texts() == [
        "Nowhere (just remove)",
        "Voicemail",
        "Night queue",
    ]
    assert actions.requests == []
    confirm.locator("select").select_option(label="Voicemail")
    confirm.get_by_role("button", name="Remove", exact=True).click()

    toast = page.locator(".toast")
    expect(toast).to_contain_text("Removed from Sales")
    assert toast.locator(".toast-status").evaluate_all(
        "items => items.map(i => [...i.children].map(c => c.textContent))"
    ) == [["805c1f2a", "Call not found"], ["f6651ab9", "OK"]]
    assert [r["json"] for r in actions.requests] == [
        {
            "call_id": "voicenter:sales-w0",
            "queue_id": "voicenter:sales",
            "more_data": "vm-100",
            "board": "floor",
        }
    ]
    # Gone from the card at once, marked as not yet confirmed; the model is untouched.
    assert sales.locator(".queue-caller-phone").all_inner_texts() == ["0529876543"]
    assert sales.locator(".queue-count-value").inner_text() == "1"
    assert "is-optimistic" in sales.get_attribute("class")
    assert page.evaluate("window.wallboard.state.queues['voicenter:sales'].waiting.length") == 2

    # The vendor had not let go of the caller after all: the server's snapshot wins.
    floor["version"] = 2
    server.push(floor)

    assert sales.locator(".queue-caller-phone").all_inner_texts() == ["0501234567", "0529876543"]
    assert "is-optimistic" not in sales.get_attribute("class")


@as_supervisor
def test_pause_shows_the_agent_paused_at_once_until_the_server_says_otherwise(
    page: Page, server: FakeServer, actions: FakeActions
) -> None:
    server.push(
        snapshot(1, agents=[agent("voicenter:201", "Dana Levi"), agent("voicenter:202", "Ben")])
    )
    dana = tile(page, "voicenter:201")
    dana.click()
    pause = action_panel(page).get_by_role("button", name="Pause")

    actions.hold()
    pause.click()
    expect(pause).to_be_disabled()  # no second request while the first is in flight
    assert len(actions.requests) == 1
    actions.release()

    expect(dana).to_have_class(re.compile(r"\bstate-paused\b.*\bis-optimistic\b"))
    assert dana.locator(".agent-state").inner_text().lower() == "paused"
    assert page.evaluate("window.wallboard.state.agents['voicenter:201'].state") == "available"
    assert [r["json"] for r in actions.requests] == [
        {"agent_id": "voicenter:201", "board": "floor"}
    ]
    assert actions.requests[0]["path"] == "/api/actions/pause/"
    dana.click()  # the panel now offers the way back
    expect(action_panel(page).get_by_role("button", name="Unpause")).to_be_visible()
    page.keyboard.press("Escape")

    server.push(delta(2, agents={"voicenter:202": agent("voicenter:202", "Ben", "talking")}))
    assert "is-optimistic" in dana.get_attribute("class")  # news about Ben says nothing of Dana
    server.push(delta(3, agents={"voicenter:201": agent("voicenter:201", "Dana Levi", "paused")}))

    assert re.search(r"\bstate-paused\b", dana.get_attribute("class"))
    assert "is-optimistic" not in dana.get_attribute("class")


@as_supervisor
def test_a_guess_the_server_never_confirms_lapses(
    page: Page, server: FakeServer, actions: FakeActions
) -> None:
    server.push(snapshot(1, agents=[agent("voicenter:201", "Dana Levi")]))
    dana = tile(page, "voicenter:201")
    dana.click()
    action_panel(page).get_by_role("button", name="Pause").click()
    expect(dana).to_have_class(re.compile(r"\bis-optimistic\b"))

    for second in range(12):  # the server keeps the board alive but never mentions Dana
        server.push(delta(2 + second, sources={"voicenter": source_health("voicenter")}))
        page.clock.run_for(1000)
    page.clock.run_for(1000)

    assert "state-available" in dana.get_attribute("class")
    assert "is-optimistic" not in dana.get_attribute("class")


@as_supervisor
def test_a_vendor_failure_shows_the_vendors_error_and_changes_nothing(
    page: Page, server: FakeServer, actions: FakeActions
) -> None:
    vendor_says = '{"ERRORCODE": 3, "ERROR": "<b>Agent not logged in</b>"}'
    actions.reply(
        "pause",
        502,
        {
            "ok": False,
            "message": "Voicenter refused: agent not logged in",
            "vendor_response": vendor_says,
        },
    )
    server.push(snapshot(1, agents=[agent("voicenter:201", "Dana Levi")]))
    dana = tile(page, "voicenter:201")
    dana.click()
    pause = action_panel(page).get_by_role("button", name="Pause")
    pause.click()

    toast = page.locator(".toast.is-error")
    expect(toast).to_contain_text("Voicenter refused: agent not logged in")
    assert toast.get_attribute("role") == "alert"
    assert toast.locator(".toast-vendor").inner_text() == vendor_says
    assert toast.locator("b").count() == 0
    expect(pause).to_be_enabled()
    expect(pause).to_be_focused()  # still open, ready to try again or close
    assert "state-available" in dana.get_attribute("class")
    assert "is-optimistic" not in dana.get_attribute("class")


@as_supervisor
def test_an_error_without_the_endpoints_json_is_still_reported(
    page: Page, server: FakeServer, actions: FakeActions
) -> None:
    server.push(snapshot(1, agents=[agent("voicenter:201", "Dana Levi")]))
    page.route(
        f"{ORIGIN}{ACTIONS_PATH}pause/",
        lambda route: route.fulfill(status=403, body="<h1>CSRF verification failed</h1>"),
    )
    tile(page, "voicenter:201").click()
    action_panel(page).get_by_role("button", name="Pause").click()

    expect(page.locator(".toast.is-error .toast-message")).to_have_text(
        "The server answered 403 Forbidden"
    )


@as_supervisor
def test_the_action_panel_works_from_the_keyboard(
    page: Page, server: FakeServer, actions: FakeActions
) -> None:
    server.push(a_floor_with_something_to_act_on())
    dana = tile(page, "voicenter:201")
    dana.focus()
    page.keyboard.press("Enter")
    panel = action_panel(page)
    expect(panel.get_by_role("textbox", name="Call a number")).to_be_focused()
    expect(panel.locator(".panel-error")).to_be_hidden()  # the Enter did not submit it empty

    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(dana).to_be_focused()

    sales = queue_panel(page, "voicenter:sales")
    sales.focus()
    page.keyboard.press(" ")
    remove_first = panel.get_by_role("button", name="Remove 0501234567")
    expect(remove_first).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Enter")  # Cancel: back to where the question came from
    expect(panel.locator(".panel-confirm")).to_have_count(0)
    expect(remove_first).to_be_focused()
    assert actions.requests == []


@as_supervisor
def test_a_closed_panel_does_not_pull_focus_back_once_the_supervisor_moved_on(
    page: Page, server: FakeServer
) -> None:
    server.push(a_floor_with_something_to_act_on())
    tile(page, "voicenter:201").click()
    expect(action_panel(page)).to_be_visible()
    # As after Esc: the dialog closes at once, its close event comes a task later; a Tab or a
    # click in between has already put focus elsewhere.
    focused = page.evaluate(
        """async () => {
            const sales = document.querySelector('.queue[data-id="voicenter:sales"]');
            const dialog = document.querySelector(".action-panel");
            // Listening after the page does, so this runs once the page has handled it.
            const handled = new Promise((resolve) => dialog.addEventListener("close", resolve));
            dialog.close();
            sales.focus();
            await handled;
            return document.activeElement.dataset.id;
        }"""
    )
    assert focused == "voicenter:sales"


@as_supervisor
def test_only_actions_the_source_supports_are_offered(page: Page, server: FakeServer) -> None:
    server.push(a_floor_with_something_to_act_on())

    tile(page, "yemot:7").click()  # yemot can only place calls
    panel = action_panel(page)
    expect(panel.get_by_role("textbox", name="Call a number")).to_be_visible()
    assert panel.get_by_role("button", name=re.compile("Pause|Unpause|Hang up")).count() == 0
    page.keyboard.press("Escape")

    virtualats = tile(page, "virtualats:100")  # can do nothing: not even clickable
    assert virtualats.get_attribute("tabindex") is None
    virtualats.click()
    expect(panel).to_be_hidden()
    assert queue_panel(page, "yemot:/1/2").get_attribute("tabindex") is None
    assert queue_panel(page, "voicenter:sales").get_attribute("tabindex") == "0"


@as_supervisor
def test_recent_calls_are_listed_newest_first_with_a_link_to_each_recording(
    page: Page, server: FakeServer
) -> None:
    floor = snapshot(
        1,
        recent_calls={
            "voicenter": [
                recent_call("voicenter:r2", T0 - 100, recording_path="/rec/r2.mp3"),
                recent_call("voicenter:r1", T0 - 900, disposition="missed", talk_seconds=0),
            ],
            "yemot": [
                recent_call(
                    "yemot:r3",
                    T0 - 500,
                    direction="outbound",
                    caller="7",
                    callee="0771112222",
                    agent_extension="7",
                    recording_path="https://elsewhere.example/r3.mp3",
                ),
                recent_call("yemot:r4", T0 - 50, recording_path="javascript:alert(1)"),
            ],
        },
    )
    server.push(floor)
    rows = page.locator(".recent-call")

    assert page.locator("#recent").is_visible()
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.id)") == [
        "yemot:r4", "voicenter:r2", "yemot:r3", "voicenter:r1",
    ]  # fmt: skip
    assert rows.nth(1).locator(".recent-party").inner_text() == "+972501112233"
    assert rows.nth(1).locator(".recent-detail").inner_text() == "ext. 201 · 1:35"
    assert rows.nth(2).locator(".recent-party").inner_text() == "0771112222"  # outbound: callee
    assert rows.nth(3).locator(".recent-disposition").inner_text().lower() == "missed"
    links = page.locator(".recent-play[href]")
    assert links.evaluate_all("links => links.map(a => a.href)") == [f"{ORIGIN}/rec/r2.mp3"]
    assert links.first.get_attribute("target") == "_blank"

    server.push(delta(2, recent_calls={"yemot": None}))
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.id)") == [
        "voicenter:r2", "voicenter:r1",
    ]  # fmt: skip


# ----- new code on long-running TVs ----------------------------------------------------------


def test_a_snapshot_with_new_code_reloads_the_page_at_most_once_a_minute(
    page: Page, server: FakeServer
) -> None:
    reloads: list[str] = []
    page.on("request", lambda r: reloads.append(r.url) if r.resource_type == "document" else None)
    server.push(snapshot(1))  # the same code: stay
    assert reloads == []

    with page.expect_navigation():
        server.push(snapshot(2, code_version="f00d2"))
    assert reloads == [ORIGIN + BOARD_PATH]

    # This server still hands out the old page: no reload loop, one more try a minute on.
    server.accept()
    server.push(snapshot(3, code_version="f00d2"))
    page.clock.run_for(59_000)
    assert len(reloads) == 1
    with page.expect_navigation():
        page.clock.run_for(1_000)
    assert len(reloads) == 2


# ----- the look on a 1080p TV ----------------------------------------------------------------

FIRST_NAMES = [
    "Dana", "Yossi", "Noa", "Avi", "Əli", "Leyla", "Rəşad", "Günay", "Sarah", "Michael",
    "דנה", "יוסי", "Olga", "Tomer", "Nərmin", "Eitan", "Maya", "Kamran", "שירה", "David",
]  # fmt: skip
LAST_NAMES = [
    "Levi", "Cohen", "Məmmədov", "Həsənova", "Mizrahi", "Peretz", "Quliyev", "Friedman",
    "כהן", "Abramov", "Əliyeva", "Shapiro",
]  # fmt: skip
STATE_CYCLE = [
    "talking", "available", "talking", "ringing", "paused", "talking", "available", "hold",
    "dialing", "talking", "offline", "available", "talking", "paused", "unknown", "talking",
]  # fmt: skip


def busy_floor(agent_count: int) -> dict[str, Any]:
    """A believable floor: mixed scripts, every state, calls both ways, four queues."""
    agents, calls = [], []
    for n in range(agent_count):
        state = STATE_CYCLE[n % len(STATE_CYCLE)]
        agent_id = f"voicenter:{201 + n}"
        name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}"
        fields: dict[str, Any] = {"state_since": T0 - 37 * n - 5, "registered": n % 13 != 7}
        if state == "paused":
            fields["state_reason"] = ["Lunch break", "Training", "Coaching"][n % 3]
        if state in ("talking", "ringing", "dialing", "hold"):
            call_id = f"voicenter:c{n}"
            outbound = state == "dialing" or n % 5 == 0
            number = f"+97250{1234567 + 7919 * n}"
            calls.append(
                call(
                    call_id,
                    "outbound" if outbound else "inbound",
                    str(201 + n) if outbound else number,
                    number if outbound else str(201 + n),
                    status="talking" if state == "talking" else state,
                    started_at=T0 - 53 * n - 20,
                    answered_at=T0 - 41 * n - 10 if state in ("talking", "hold") else None,
                )
            )
            fields["call_ids"] = [call_id]
        agents.append(agent(agent_id, name, state, **fields))
    queues = [
        queue("voicenter:sales", "Sales", [("+97231112222", T0 - 34), ("+972523334444", T0 - 81)]),
        queue(
            "voicenter:support",
            "Support · תמיכה",
            [(f"+99450{5550000 + n * 311}", T0 - 40 * n - 12) for n in range(6)],
        ),
        queue("voicenter:billing", "Billing"),
        queue("virtualats:az", "Müştəri xidməti", [("+994125557788", T0 - 200)]),
    ]
    sources = [
        source_health("voicenter", latency_ms=180),
        source_health("virtualats", ok=False, age=42, last_error="HTTP 502 Bad Gateway"),
        source_health("yemot", latency_ms=95),
    ]
    stats = {
        "voicenter": day_stats(
            offered=1214, answered=1091, missed=123, abandon_pct=10.1, service_level_pct=82.2,
            asa_seconds=14.3, aht_seconds=3792.6, outbound=887,
        ),
        "yemot": day_stats(
            offered=58, answered=49, missed=9, abandon_pct=15.5, service_level_pct=74.1,
            asa_seconds=22.0, aht_seconds=141.0, outbound=12,
        ),
    }  # fmt: skip
    return snapshot(1, agents=agents, calls=calls, queues=queues, sources=sources, stats=stats)


# Nothing on a tile or queue card may be cut off; only a long name may end in an ellipsis.
FIND_CLIPPED_PARTS = """() => {
  const clipped = [];
  const parts = ".agent-name, .agent-state, .agent-timer, .agent-party, .agent-reason, "
    + ".agent-flag, .queue-name, .queue-count-value, .queue-longest-value, .queue-caller";
  for (const part of document.querySelectorAll(parts)) {
    if (part.offsetParent === null) continue;  // not displayed
    const box = part.closest(".agent, .queue").getBoundingClientRect();
    const own = part.getBoundingClientRect();
    const outside = own.left < box.left || own.right > box.right
      || own.top < box.top || own.bottom > box.bottom + 0.5;
    const hides = getComputedStyle(part).overflow !== "visible";
    const mayEllipsize = part.matches(".agent-name, .queue-name, .agent-reason");
    const cut = hides && (part.scrollHeight > part.clientHeight
      || (!mayEllipsize && part.scrollWidth > part.clientWidth));
    if (outside || cut) clipped.push(`${part.closest("[data-id]").dataset.id} ${part.className}`);
  }
  return clipped;
}"""


@pytest.mark.parametrize("agent_count", [20, 30, 45, 60], ids=lambda n: f"{n} agents")
def test_a_busy_board_fits_one_1080p_screen_in_tv_sized_type(
    page: Page, server: FakeServer, tmp_path: Path, agent_count: int
) -> None:
    server.push(busy_floor(agent_count))
    page.clock.run_for(1000)
    page.screenshot(path=tmp_path / f"board-{agent_count}.png")

    bottoms = page.eval_on_selector_all(
        ".agent", "tiles => tiles.map(t => t.getBoundingClientRect().bottom)"
    )
    assert len(bottoms) == agent_count
    assert max(bottoms) <= 1080, "agent tiles run off the bottom of the screen"
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    assert page.evaluate(FIND_CLIPPED_PARTS) == []
    # Today's figures, four-digit counts and an AHT over an hour included, all on one line.
    assert page.locator(".stat-value").all_inner_texts() == [
        "1,272", "1,140", "132", "10.4%", "81.8%", "0:15", "1:00:36", "899",
    ]  # fmt: skip
    strip = page.eval_on_selector(
        "#stats", "s => ({scroll: s.scrollWidth, client: s.clientWidth, height: s.offsetHeight})"
    )
    assert strip["scroll"] <= strip["client"], "the statistics strip is cut off"
    assert strip["height"] <= 50
    sizes = page.evaluate(
        """() => ({
            name: parseFloat(getComputedStyle(document.querySelector('.agent-name')).fontSize),
            count: parseFloat(
              getComputedStyle(document.querySelector('.queue-count-value')).fontSize),
        })"""
    )
    assert sizes["name"] >= 28
    assert sizes["count"] >= 64


@as_supervisor
def test_a_supervisors_board_of_twenty_agents_fits_beside_the_recent_calls(
    page: Page, server: FakeServer
) -> None:
    floor = busy_floor(20)
    floor["state"]["recent_calls"] = {
        "voicenter": [recent_call(f"voicenter:r{n}", T0 - 200 * n) for n in range(8)]
    }
    server.push(floor)

    bottoms = page.eval_on_selector_all(
        ".agent", "tiles => tiles.map(t => t.getBoundingClientRect().bottom)"
    )
    assert max(bottoms) <= 1080, "agent tiles run off the bottom of the screen"
    assert page.evaluate(FIND_CLIPPED_PARTS) == []
    assert page.locator(".recent-call").count() == 8
    assert page.locator("#recent").bounding_box()["x"] > max(
        page.eval_on_selector_all(
            ".agent", "tiles => tiles.map(t => t.getBoundingClientRect().right)"
        )
    )
