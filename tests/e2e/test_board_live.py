"""The whole product in real Chromium: simulator → beat/worker → Redis → Daphne → the board."""

from __future__ import annotations

import httpx
import pytest

from telephony.simulator.server import SimulatorServer
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_a_tv_sees_an_agent_change_state_without_reloading(
    live_board: str, simulator: SimulatorServer, floor_tv_token: str, tv_page
) -> None:
    tv_page.goto(f"{live_board}/boards/floor/?token={floor_tv_token}")
    tv_page.evaluate("window.loadedOnce = true")
    tiles = tv_page.locator(".agent[data-id]")
    tiles.first.wait_for(timeout=15_000)
    assert tiles.count() == 20

    agents = simulator.app.centre.snapshot()["agents"]
    username = next(a["username"] for a in agents if a["status"] == 1 and a["call"] is None)
    tile = tv_page.locator(f'.agent[data-id="voicenter:{username}"]')
    assert "Lunch break" not in tile.inner_text()
    screenshot(tv_page, "live-board-before")

    httpx.post(f"{simulator.base_url}/_sim/agents/{username}/status", json={"status": 3})

    tv_page.wait_for_function(
        "el => el.innerText.includes('Lunch break')", arg=tile.element_handle(), timeout=10_000
    )
    assert tv_page.evaluate("window.loadedOnce") is True  # same page: no reload happened
    screenshot(tv_page, "live-board-after")
