"""The board's screen settings in real Chromium: language and direction, alert thresholds and
sound, the last hour's chart, agents by state, very large floors, the SMS ticker and the IVR
call control. Same harness as test_board_client.py (fake socket, fake clock, fake endpoint).
"""

# The harness's fixtures are imported by name and used as test arguments, which ruff reads as
# unused imports redefined.
# ruff: noqa: F401, F811

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_board_client import (
    SUPERVISOR_CONFIG,
    T0,
    THRESHOLDS,
    TV_CONFIG,
    FakeActions,
    FakeServer,
    action_panel,
    actions,
    agent,
    board_config,
    busy_floor,
    call,
    day_stats,
    delta,
    init_scripts,
    page,
    queue,
    queue_panel,
    recent_call,
    server,
    snapshot,
    tile,
)
from wallboard.board.ui_text import ui_text

pytestmark = pytest.mark.e2e


def advance(page: Page, server: FakeServer, seconds: int) -> None:
    """Let time pass with the link alive: a heartbeat every few seconds keeps the watchdog off."""
    while seconds > 0:
        step = min(seconds, 5)
        page.clock.run_for(step * 1000)
        server.push({"type": "heartbeat"})
        seconds -= step


def now_on_page(page: Page) -> float:
    return page.evaluate("Date.now() / 1000")


def sent_now(page: Page, message: dict[str, Any]) -> dict[str, Any]:
    """A message stamped with the page's current time, as the server would send it later on."""
    return {**message, "server_time": now_on_page(page)}


def before_mark(locator) -> str:
    """What a node's ::before draws: the mark that says amber or red without colour."""
    return locator.evaluate("node => getComputedStyle(node, '::before').content")


def outline_style(locator) -> str:
    return locator.evaluate("node => getComputedStyle(node).outlineStyle")


# ----- language and direction ----------------------------------------------------------------

HEBREW_SUPERVISOR = {
    **SUPERVISOR_CONFIG,
    "language": "he",
    "dir": "rtl",
    "time_zone": "Asia/Jerusalem",
    "sms_ticker": True,
    "text": ui_text("he"),
}


def a_hebrew_floor() -> dict[str, Any]:
    floor = busy_floor(20)
    state = floor["state"]
    dana = agent("voicenter:301", "דנה כהן", "paused", state_reason="הפסקת צהריים")
    state["agents"][dana["id"]] = dana
    for waiting in state["queues"].values():
        waiting.update(offered_today=120, answered_today=104, abandoned_today=16)
    state["series"] = {"voicenter": [[T0 - 60 * (59 - m), m % 7, 70 + m % 15] for m in range(60)]}
    state["sms"] = {
        "yemot": [
            {
                "phone": "0527654321",
                "message": "שלום, אני מחכה כבר חצי שעה!",
                "received_at": T0 - 40,
            },
            {
                "phone": "+972501112233",
                "message": "Call me back about 5521",
                "received_at": T0 - 400,
            },
        ]
    }
    state["recent_calls"] = {
        "voicenter": [
            recent_call(f"voicenter:r{n}", T0 - 300 * n, disposition=["answered", "missed"][n % 2])
            for n in range(6)
        ]
    }
    return floor


@pytest.mark.parametrize("board_config", [HEBREW_SUPERVISOR], ids=["hebrew"])
def test_a_hebrew_board_reads_right_to_left_in_hebrew_with_names_as_the_pbx_gave_them(
    page: Page, server: FakeServer
) -> None:
    server.push(a_hebrew_floor())
    page.clock.run_for(1000)

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "he"
    sales = queue_panel(page, "voicenter:sales")
    assert sales.locator(".queue-count-label").inner_text() == "ממתינים"
    assert page.locator("#connection-text").inner_text() == "מחובר"
    assert page.locator(".stats-title").inner_text() == "היום"
    assert page.locator("#recent-title").inner_text() == "שיחות אחרונות"
    dana = tile(page, "voicenter:301")
    assert dana.locator(".agent-name").inner_text() == "דנה כהן"
    assert dana.locator(".agent-name").get_attribute("dir") == "auto"
    assert dana.locator(".agent-state").inner_text() == "בהפסקה"
    assert dana.locator(".agent-reason").inner_text() == "הפסקת צהריים"
    assert tile(page, "voicenter:203").locator(".agent-name").inner_text() == "Noa Məmmədov"
    party = tile(page, "voicenter:201").locator(".agent-party")
    assert party.get_attribute("dir") == "ltr"
    assert dana.locator(".agent-timer").get_attribute("dir") == "ltr"
    # The floor's own clock (Asia/Jerusalem, UTC+3 in October), numbers in Hebrew's format.
    assert page.locator("#clock").inner_text() == "11:53"
    assert page.locator('.stat[data-stat="offered"] .stat-value').inner_text() == "1,272"
    # Mirrored: the title on the right and the clock on the left, state edges on the right.
    assert (
        page.locator("#clock").bounding_box()["x"] < page.locator(".board-name").bounding_box()["x"]
    )
    edges = dana.evaluate(
        "t => [parseFloat(getComputedStyle(t).borderRightWidth),"
        " parseFloat(getComputedStyle(t).borderLeftWidth)]"
    )
    assert edges[0] > edges[1]
    assert page.locator("#recent").bounding_box()["x"] < dana.bounding_box()["x"]
    screenshot(page, "board-rtl")


# ----- alerts --------------------------------------------------------------------------------

QUICK_WAITS = {
    **TV_CONFIG,
    "thresholds": {**THRESHOLDS, "wait_warn_seconds": 30, "wait_alert_seconds": 90},
}


@pytest.mark.parametrize("board_config", [QUICK_WAITS], ids=["warn-30-alert-90"])
def test_a_waiting_caller_turns_amber_then_red_at_the_boards_thresholds(
    page: Page, server: FakeServer
) -> None:
    server.push(snapshot(1, queues=[queue("x:q1", "Sales", [("+15550001", T0 - 20)])]))
    card = queue_panel(page, "x:q1")
    caller = card.locator(".queue-caller")
    longest = card.locator(".queue-longest-value")
    assert card.get_attribute("data-level") == "ok"
    assert before_mark(longest) == "none"

    advance(page, server, 10)  # 30 s: the board's amber, not the old hard-coded 60 s

    assert card.get_attribute("data-level") == "warn"
    assert caller.get_attribute("data-level") == "warn"
    assert before_mark(longest) == '"⚠"'
    assert outline_style(card) == "dashed"

    advance(page, server, 60)  # 90 s

    assert card.get_attribute("data-level") == "alert"
    assert caller.get_attribute("data-level") == "alert"
    assert before_mark(caller.locator(".queue-caller-wait")) == '"⚠"'
    assert outline_style(card) == "solid"


def test_a_paused_agent_turns_amber_at_three_quarters_of_its_reasons_limit_then_red(
    page: Page, server: FakeServer
) -> None:
    # Training may last 600 s on this board; a reason it does not list, the default 900 s.
    server.push(
        snapshot(
            1,
            agents=[
                agent("x:1", "Anna", "paused", state_reason="Training", state_since=T0 - 400),
                agent("x:2", "Ben", "paused", state_reason="Smoke break", state_since=T0 - 600),
                agent("x:3", "Chen", "talking", state_since=T0 - 5000),
            ],
        )
    )
    anna, ben, chen = (tile(page, f"x:{n}") for n in (1, 2, 3))
    assert anna.get_attribute("data-level") == "ok"
    assert ben.get_attribute("data-level") == "ok"

    advance(page, server, 60)  # Anna 460 s of 600, Ben 660 s of 900

    assert anna.get_attribute("data-level") == "warn"
    assert outline_style(anna) == "dashed"
    assert ben.get_attribute("data-level") == "ok"

    advance(page, server, 150)  # Anna 610 s, Ben 810 s

    assert anna.get_attribute("data-level") == "alert"
    assert outline_style(anna) == "solid"
    assert before_mark(anna.locator(".agent-timer")) == '"⚠"'
    assert ben.get_attribute("data-level") == "warn"
    assert chen.get_attribute("data-level") is None  # talking has no limit

    server.push(sent_now(page, delta(2, agents={"x:1": agent("x:1", "Anna", "available")})))
    assert anna.get_attribute("data-level") is None


def test_a_service_level_under_the_target_shows_red_among_the_other_alerts(
    page: Page, server: FakeServer
) -> None:
    floor = busy_floor(30)
    state = floor["state"]
    state["stats"]["voicenter"]["service_level_pct"] = 61.0  # the strip adds up to 61.7%
    state["series"] = {"voicenter": [[T0 - 60 * (59 - m), m % 9, 92 - m / 2] for m in range(60)]}
    server.push(floor)
    page.clock.run_for(1000)
    service_level = page.locator('.stat[data-stat="service_level"]')

    assert service_level.get_attribute("data-level") == "alert"
    assert service_level.get_attribute("title") == "Below the 80% target"
    assert before_mark(service_level.locator(".stat-value")) == '"▼"'
    assert page.locator(".queue[data-level=alert], .agent[data-level=alert]").count() > 0
    screenshot(page, "board-alerts")

    back_up = {**state["stats"]["voicenter"], "service_level_pct": 95.0}
    server.push(delta(2, stats={"voicenter": back_up}))
    assert service_level.get_attribute("data-level") is None


# The page's sound goes to a fake: each beep is the time an oscillator started.
FAKE_AUDIO = """
window.beeps = [];
window.AudioContext = class {
  constructor() { this.state = "running"; this.currentTime = 0; this.destination = {}; }
  resume() { this.state = "running"; return Promise.resolve(); }
  createOscillator() {
    return { frequency: {}, connect: (node) => node, start: () => window.beeps.push(Date.now()),
             stop() {} };
  }
  createGain() {
    return { gain: { setValueAtTime() {}, linearRampToValueAtTime() {} }, connect: (node) => node };
  }
};
"""


@pytest.mark.parametrize("init_scripts", [[FAKE_AUDIO]], ids=["fake-audio"])
def test_sound_stays_off_until_enabled_then_beeps_once_for_new_red_alerts(
    page: Page, server: FakeServer
) -> None:
    def beeps() -> int:
        return page.evaluate("window.beeps.length")

    # Red already (500 s) when the snapshot comes: not news. 175 s: red in 5 s, sound still off.
    callers = [("+15550001", T0 - 500), ("+15550002", T0 - 175)]
    server.push(snapshot(1, queues=[queue("x:q1", "Sales", callers)]))
    toggle = page.locator(".sound-toggle")
    expect(toggle).to_have_text("Enable sound")
    assert toggle.get_attribute("aria-pressed") == "false"
    advance(page, server, 10)
    assert queue_panel(page, "x:q1").get_attribute("data-level") == "alert"
    assert beeps() == 0

    toggle.click()
    expect(toggle).to_have_text("Sound on")
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.evaluate("localStorage.getItem('wallboard.sound')") == "on"

    # Two callers cross into red a second apart: one beep, not two.
    now = now_on_page(page)
    more = [*callers, ("+15550003", now - 178), ("+15550004", now - 177)]
    server.push(sent_now(page, delta(2, queues={"x:q1": queue("x:q1", "Sales", more)})))
    assert beeps() == 0
    advance(page, server, 5)
    assert beeps() == 1

    # Ten seconds on, a pause runs past its limit: news again.
    advance(page, server, 10)
    now = now_on_page(page)
    lunch = agent("x:1", "Anna", "paused", state_reason="Training", state_since=now - 598)
    server.push(sent_now(page, delta(3, agents={"x:1": lunch})))
    advance(page, server, 10)
    assert beeps() == 2

    # A snapshot full of red (after a reconnect, say) stays quiet.
    reds = [*more, ("+15550005", now_on_page(page) - 400)]
    server.push(sent_now(page, snapshot(4, queues=[queue("x:q1", "Sales", reds)])))
    advance(page, server, 12)
    assert beeps() == 2


# ----- the last hour's chart and agents by state -----------------------------------------------


def path_points(page: Page, selector: str) -> list[tuple[float, float]]:
    d = page.locator(selector).get_attribute("d") or ""
    return [(float(x), float(y)) for x, y in re.findall(r"[ML]([\d.]+) ([\d.]+)", d)]


def test_the_chart_draws_the_last_hour_from_the_series_and_redraws_on_a_delta(
    page: Page, server: FakeServer
) -> None:
    series = {
        "voicenter": [[T0 - 120, 2, 90.0], [T0 - 60, 3, 90.0], [T0, 4, 90.0]],
        "yemot": [[T0 - 120, 1, None], [T0 - 60, 0, 60.0], [T0, 1, 60.0]],
    }
    stats = {
        "voicenter": day_stats(offered=100, answered=95, service_level_pct=90.0),
        "yemot": day_stats(offered=50, answered=40, service_level_pct=60.0),
    }
    server.push(snapshot(1, stats=stats, series=series))

    # Waiting adds up per minute (3, 3, 5 of a scale of 5); "now" is the right-hand edge.
    assert path_points(page, ".chart-waiting") == [(580.0, 80.0), (590.0, 80.0), (600.0, 0.0)]
    assert page.locator(".chart-key.is-waiting .chart-key-value").inner_text() == "5"
    # SL weighted by today's offered calls: (90 × 100 + 60 × 50) / 150.
    assert page.locator(".chart-key.is-sl .chart-key-value").inner_text() == "80.0%"
    assert page.locator(".chart-caption").inner_text() == (
        "SL: all sources, weighted by calls offered today"
    )
    assert len(path_points(page, ".chart-sl-line")) == 3
    target = page.locator(".chart-target")
    assert target.get_attribute("y1") == "40"  # 80% of a 200-high plot
    assert target.evaluate("line => getComputedStyle(line).strokeDasharray") != "none"

    longer = [[T0 - 60 * m, 6 - m, 85.0] for m in range(4, -1, -1)]  # five minutes, now 6 waiting
    server.push(delta(2, series={"voicenter": longer}))

    assert len(path_points(page, ".chart-waiting")) == 5
    assert page.locator(".chart-key.is-waiting .chart-key-value").inner_text() == "7"

    server.push(delta(3, series={"yemot": None}))
    assert page.locator(".chart-caption").inner_text() == "SL: voicenter"
    assert page.locator(".chart-key.is-sl .chart-key-value").inner_text() == "85.0%"


def agent_counts(page: Page) -> dict[str, str]:
    return page.eval_on_selector_all(
        ".agent-count:not([hidden])",
        "items => Object.fromEntries(items.map(i => "
        "[i.dataset.state, i.querySelector('.agent-count-value').textContent]))",
    )


def test_agents_by_state_are_counted_and_follow_deltas(page: Page, server: FakeServer) -> None:
    server.push(
        snapshot(
            1, agents=[agent("x:1", "Anna"), agent("x:2", "Ben"), agent("x:3", "Chen", "talking")]
        )
    )
    assert agent_counts(page) == {"total": "3", "available": "2", "talking": "1"}
    available = page.locator('.agent-count[data-state="available"]')
    assert available.locator(".agent-count-label").inner_text() == "Available"
    colour = available.evaluate("item => getComputedStyle(item, '::before').backgroundColor")
    assert colour == "rgb(52, 217, 112)"  # --c-available, as on the tiles

    server.push(delta(2, agents={"x:1": agent("x:1", "Anna", "paused"), "x:3": None}))

    assert agent_counts(page) == {"total": "2", "available": "1", "paused": "1"}


# ----- large floors ----------------------------------------------------------------------------


def visible_tiles(page: Page) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(
        ".agent",
        """tiles => tiles.filter(t => t.offsetParent !== null).map(t => {
            const box = t.getBoundingClientRect();
            return { id: t.dataset.id, bottom: box.bottom, right: box.right, left: box.left };
        })""",
    )


@pytest.mark.parametrize(
    ("board_config", "pages"), [(TV_CONFIG, 1), (SUPERVISOR_CONFIG, 2)], ids=["tv", "supervisor"]
)
def test_three_hundred_agents_fit_a_1080p_screen_each_on_some_page(
    page: Page, server: FakeServer, pages: int
) -> None:
    floor = busy_floor(300)
    floor["state"]["series"] = {
        "voicenter": [[T0 - 60 * m, 4 + m % 5, 80 + m % 7] for m in range(60)]
    }
    server.push(floor)
    every_id = set(floor["state"]["agents"])
    indicator = page.locator("#agent-page")
    if pages == 1:
        screenshot(page, "board-300")

    seen: set[str] = set()
    for number in range(1, pages + 1):
        if pages > 1:
            assert indicator.inner_text() == f"Page {number}/{pages}"
        else:
            assert indicator.is_hidden()
        shown = visible_tiles(page)
        assert max(t["bottom"] for t in shown) <= 1080
        assert min(t["left"] for t in shown) >= 0 and max(t["right"] for t in shown) <= 1920
        seen |= {t["id"] for t in shown}
        advance(page, server, 16)  # a page stays up 15 s

    assert seen == every_id, "an agent was on no page"
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    assert page.eval_on_selector("#agents", "g => g.scrollHeight <= g.clientHeight")
    name_size = page.eval_on_selector(
        ".agent-name", "n => parseFloat(getComputedStyle(n).fontSize)"
    )
    assert name_size >= 16
    assert page.locator("body").get_attribute("data-density") == "packed"
    if pages > 1:
        assert indicator.inner_text() == "Page 1/2"  # and round again


@pytest.mark.parametrize("board_config", [{**TV_CONFIG, "density": "roomy"}], ids=["roomy"])
def test_a_chosen_density_is_kept_and_pages_what_does_not_fit(
    page: Page, server: FakeServer
) -> None:
    server.push(busy_floor(45))

    assert page.locator("body").get_attribute("data-density") == "roomy"
    assert page.locator("#agent-page").inner_text() == "Page 1/3"
    assert len(visible_tiles(page)) == 15
    name_size = page.eval_on_selector(
        ".agent-name", "n => parseFloat(getComputedStyle(n).fontSize)"
    )
    assert name_size == 34


# ----- queues' figures of the day ------------------------------------------------------------


def queue_figures(today) -> dict[str, str]:
    return today.locator(".queue-today-cell:not([hidden])").evaluate_all(
        "cells => Object.fromEntries(cells.map(c => [c.querySelector('dt').textContent,"
        " c.querySelector('dd').textContent]))"
    )


def test_a_queues_figures_for_today_show_only_what_the_pbx_counts(
    page: Page, server: FakeServer
) -> None:
    sales = {**queue("x:q1", "Sales"), "offered_today": 120, "answered_today": 110}
    sales["abandoned_today"] = None
    server.push(snapshot(1, queues=[sales, queue("x:q2", "Support")]))
    today = queue_panel(page, "x:q1").locator(".queue-today")

    assert queue_figures(today) == {"Offered": "120", "Answered": "110"}
    assert queue_panel(page, "x:q2").locator(".queue-today").is_hidden()

    server.push(delta(2, queues={"x:q1": {**sales, "abandoned_today": 10}}))
    assert queue_figures(today) == {"Offered": "120", "Answered": "110", "Abandoned": "10"}


# ----- SMS ticker ------------------------------------------------------------------------------

SMS = {
    "yemot": [
        {"phone": "0527654321", "message": "<b>Call me</b> back", "received_at": T0 - 30},
        {"phone": "0771112222", "message": "Thanks!", "received_at": T0 - 900, "id": "s1"},
    ],
    "voicenter": [{"phone": "+972501234567", "message": "Where is my order?", "received_at": T0}],
}


@pytest.mark.parametrize("board_config", [{**TV_CONFIG, "sms_ticker": True}], ids=["on"])
def test_the_sms_ticker_shows_the_latest_messages_newest_first(
    page: Page, server: FakeServer
) -> None:
    server.push(snapshot(1))
    ticker = page.locator("#ticker")
    assert ticker.is_hidden()  # on, but nothing to show yet

    server.push(delta(2, sms=SMS))

    expect(ticker).to_be_visible()
    rows = ticker.locator(".ticker-item").evaluate_all(
        "items => items.map(i => [...i.children].map(c => c.textContent))"
    )
    assert rows == [
        ["08:53", "+972501234567", "Where is my order?"],
        ["08:52", "0527654321", "<b>Call me</b> back"],
        ["08:38", "0771112222", "Thanks!"],
    ]
    assert ticker.locator("b").count() == 0
    assert ticker.locator(".ticker-phone").first.get_attribute("dir") == "ltr"
    assert ticker.bounding_box()["y"] + ticker.bounding_box()["height"] <= 1080

    server.push(delta(3, sms={"voicenter": None}))
    assert ticker.locator(".ticker-phone").all_inner_texts() == ["0527654321", "0771112222"]


def test_no_sms_ticker_on_a_board_that_did_not_ask_for_it(page: Page, server: FakeServer) -> None:
    server.push(snapshot(1, sms=SMS))

    assert page.locator("#ticker").is_hidden()
    assert page.locator(".ticker-item").count() == 0


# ----- calling a number into the IVR -----------------------------------------------------------

BRIDGE_CONFIG = {
    **SUPERVISOR_CONFIG,
    "capabilities": {**SUPERVISOR_CONFIG["capabilities"], "yemot": ["call", "bridge"]},
    "bridge_paths": [
        {"label": "Main menu", "value": "/1"},
        {"label": "Sales line", "value": "/2/5"},
    ],
}


@pytest.mark.parametrize("board_config", [BRIDGE_CONFIG], ids=["yemot-bridges"])
def test_a_supervisor_calls_a_number_into_an_ivr_path(
    page: Page, server: FakeServer, actions: FakeActions
) -> None:
    actions.reply("bridge", 200, {"ok": True, "message": "Calling 0527654321"})
    server.push(snapshot(1, agents=[agent("yemot:7", "Yossi Cohen")]))

    page.get_by_role("button", name="Call into IVR").click()
    panel = action_panel(page)
    expect(panel).to_be_visible()
    number = panel.get_by_role("textbox", name="Number to call")
    expect(number).to_be_focused()
    assert panel.locator("select").first.is_hidden()  # one line that bridges: nothing to pick
    number.fill("12")
    panel.get_by_role("button", name="Call", exact=True).click()
    expect(panel.locator(".panel-error")).to_contain_text("Enter 3–20 digits")
    assert actions.requests == []

    number.fill("052-765-4321")
    panel.locator("label", has_text="IVR path").locator("select").select_option(label="Sales line")
    panel.get_by_role("button", name="Call", exact=True).click()

    toast = page.locator(".toast")
    expect(toast).to_contain_text("Calling 0527654321")
    assert toast.locator(".toast-title").inner_text() == "Call 052-765-4321 into Sales line"
    [request] = actions.requests
    assert request["path"] == "/api/actions/bridge/"
    assert request["headers"]["x-csrftoken"] == SUPERVISOR_CONFIG["csrf_token"]
    assert request["json"] == {
        "source": "yemot",
        "number": "052-765-4321",
        "path": "/2/5",
        "board": "floor",
    }
    expect(panel).to_be_hidden()


@pytest.mark.parametrize(
    "board_config",
    [
        {**BRIDGE_CONFIG, "bridge_paths": []},
        {**BRIDGE_CONFIG, "capabilities": SUPERVISOR_CONFIG["capabilities"]},
        {
            **TV_CONFIG,
            "capabilities": BRIDGE_CONFIG["capabilities"],
            "bridge_paths": [{"label": "x", "value": "/1"}],
        },
    ],
    ids=["no-paths", "no-source-bridges", "tv"],
)
def test_no_ivr_control_without_paths_a_source_that_bridges_and_a_supervisor(
    page: Page, server: FakeServer
) -> None:
    server.push(snapshot(1))
    assert page.locator(".bridge-open").count() == 0
