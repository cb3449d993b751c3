"""The whole product in real Chromium: simulator → beat/worker → Redis → Daphne → the board."""

from __future__ import annotations

import time

import httpx
import pytest
from django.contrib.auth.models import Permission, User

from tests.e2e.conftest import LiveBoard, screenshot
from wallboard.models import AuditEntry

pytestmark = pytest.mark.e2e


def open_tv(page, live_board: LiveBoard, token: str) -> None:
    page.goto(f"{live_board.url}/boards/floor/?token={token}")
    page.evaluate("window.loadedOnce = true")
    page.locator(".agent[data-id]").first.wait_for(timeout=15_000)
    # Both vendors' agents side by side: 20 Voicenter agents and 8 VirtualATS extensions.
    page.wait_for_function("document.querySelectorAll('.agent[data-id]').length === 28")


def test_a_tv_sees_an_agent_change_state_without_reloading(
    live_board: LiveBoard, floor_tv_token: str, tv_page
) -> None:
    open_tv(tv_page, live_board, floor_tv_token)
    simulator = live_board.simulator
    agents = simulator.app.centre.snapshot()["agents"]
    username = next(a["username"] for a in agents if a["status"] == 1 and a["call"] is None)
    tile = tv_page.locator(f'.agent[data-id="voicenter:{username}"]')
    assert "Lunch break" not in tile.inner_text()

    httpx.post(f"{simulator.base_url}/_sim/agents/{username}/status", json={"status": 3})

    tv_page.wait_for_function(
        "el => el.innerText.includes('Lunch break')", arg=tile.element_handle(), timeout=10_000
    )
    assert tv_page.evaluate("window.loadedOnce") is True  # same page: no reload happened
    screenshot(tv_page, "live-board")


def test_a_virtualats_call_shows_on_the_tv_within_a_second_of_each_webhook(
    live_board: LiveBoard, floor_tv_token: str, tv_page
) -> None:
    open_tv(tv_page, live_board, floor_tv_token)
    sim = f"{live_board.simulator.base_url}/_sim/virtualats"
    incoming = tv_page.locator('.queue[data-id="virtualats:incoming"] .queue-count-value')
    assert incoming.inner_text() == "0"

    for number in range(100, 108):
        started = time.monotonic()
        reply = httpx.post(f"{sim}/extensions/{number}/calls")
        if reply.status_code == 200:
            break
    # Ringing, not yet answered: VirtualATS names no extension, so the caller waits in Incoming.
    tv_page.wait_for_function(
        "el => el.innerText === '1'", arg=incoming.element_handle(), timeout=1_000
    )
    ringing_after = time.monotonic() - started

    started = time.monotonic()
    httpx.post(f"{sim}/calls/{reply.json()['call_id']}/answer").raise_for_status()
    tile = tv_page.locator(f'.agent[data-id="virtualats:{number}"]')
    tv_page.wait_for_function(
        "el => el.innerText.toLowerCase().includes('talking')",
        arg=tile.element_handle(),
        timeout=1_000,
    )
    assert max(ringing_after, time.monotonic() - started) < 1.0
    assert incoming.inner_text() == "0"
    screenshot(tv_page, "live-board-virtualats-talking")


def test_a_supervisor_logs_in_and_calls_a_customer_from_an_agent_tile(
    live_board: LiveBoard, floor_tv_token: str, tv_page
) -> None:
    user = User.objects.create_user("supervisor", password="a-long-password")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_board", "act"]))
    sim = f"{live_board.simulator.base_url}/_sim/virtualats"
    for number in range(100, 108):  # ring and hang up: an extension now known to be free
        reply = httpx.post(f"{sim}/extensions/{number}/calls")
        if reply.status_code == 200:
            httpx.post(f"{sim}/calls/{reply.json()['call_id']}/hangup").raise_for_status()
            break
    before = {call["callId"] for call in httpx.get(f"{sim}/state").json()["calls"]}

    tv_page.goto(f"{live_board.url}/boards/floor/")  # not logged in: sent to the login page
    tv_page.get_by_label("Username").fill("supervisor")
    tv_page.get_by_label("Password").fill("a-long-password")
    tv_page.get_by_role("button", name="Log in").click()
    tile = tv_page.locator(f'.agent[data-id="virtualats:{number}"]')
    tile.wait_for(timeout=15_000)
    tile.click()
    panel = tv_page.locator("dialog.action-panel")
    panel.get_by_role("textbox", name="Call a number").fill("+994 55 796 74 73")
    panel.get_by_role("button", name="Call", exact=True).click()

    toast = tv_page.locator(".toast")
    toast.wait_for(timeout=5_000)
    assert f"Calling 994557967473 from extension {number}" in toast.inner_text()
    screenshot(tv_page, "live-board-supervisor-call")
    after = {call["callId"] for call in httpx.get(f"{sim}/state").json()["calls"]}
    assert len(after - before) == 1
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target, entry.ok) == (
        "supervisor",
        "call",
        f"virtualats:{number}",
        True,
    )
