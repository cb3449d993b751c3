"""The board client (static/board/board.js) in real Chromium, with no backend.

The real template is rendered into a file with its few template tags substituted, the page's
WebSocket is replaced by a fake the test drives as "the server", and time is Playwright's fake
clock, so ticking timers, backoff and the watchdog run in milliseconds of real time.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest
from playwright.sync_api import Browser, Page

from telephony.model import Agent, Call, Queue, SourceHealth, WaitingCaller

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "board" / "board.html"
STATIC = ROOT / "static" / "board"
POLL_SECONDS = 2  # so the watchdog and source staleness threshold is 6 s
T0 = 1_760_000_000.0  # the fake clock's "now" when each test starts, in epoch seconds
WS_PATH = "/ws/boards/floor/?token=abc"

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


def snapshot(version: int, agents=(), calls=(), queues=(), sources=()) -> dict[str, Any]:
    return {
        "type": "snapshot",
        "version": version,
        "server_time": T0,
        "state": {
            "agents": keyed(list(agents)),
            "calls": keyed(list(calls)),
            "queues": keyed(list(queues)),
            "sources": keyed(list(sources) or [source_health("voicenter")], key="source"),
        },
    }


def delta(version: int, **changes: dict[str, Any]) -> dict[str, Any]:
    return {"type": "delta", "version": version, "server_time": T0, "changes": changes}


# ----- page plumbing -------------------------------------------------------------------------


def render_board_page(directory: Path) -> Path:
    """The real template with its tags filled in the way Django would for board "floor"."""
    config = {"ws_url": WS_PATH, "poll_seconds": POLL_SECONDS, "board_name": "Floor"}
    config_script = (
        f'<script id="board-config" type="application/json">{json.dumps(config)}</script>'
    )
    text = re.sub(r"\{#.*?#\}", "", TEMPLATE.read_text(encoding="utf-8"))
    for tag, value in {
        "{% load static %}": "",
        "{% static 'board/board.css' %}": (STATIC / "board.css").as_uri(),
        "{% static 'board/board.js' %}": (STATIC / "board.js").as_uri(),
        "{{ board.name }}": html.escape("Call centre floor"),
        '{{ board_config|json_script:"board-config" }}': config_script,
    }.items():
        text = text.replace(tag, value)
    leftover = re.search(r"\{[{%].*?[}%]\}", text)
    assert leftover is None, f"the harness does not render {leftover.group()}: teach it"
    page_file = directory / "board.html"
    page_file.write_text(text, encoding="utf-8")
    return page_file


@pytest.fixture
def page(browser: Browser, tmp_path: Path) -> Page:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    board_page = context.new_page()
    errors: list[str] = []
    board_page.on("pageerror", lambda error: errors.append(str(error)))
    board_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    board_page.add_init_script(FAKE_WEBSOCKET)
    board_page.clock.install(time=T0 - 2)
    board_page.goto(render_board_page(tmp_path).as_uri())
    board_page.clock.pause_at(T0)
    yield board_page
    context.close()
    assert errors == [], "the page raised or logged errors"


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
    return snapshot(1, agents=agents, calls=calls, queues=queues, sources=sources)


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
    sizes = page.evaluate(
        """() => ({
            name: parseFloat(getComputedStyle(document.querySelector('.agent-name')).fontSize),
            count: parseFloat(
              getComputedStyle(document.querySelector('.queue-count-value')).fontSize),
        })"""
    )
    assert sizes["name"] >= 28
    assert sizes["count"] >= 64
