"""A real browser board across a Redis restart: it must resync by itself, with nobody at it.

Chromium (Debian's) shows the board from a real Daphne, with a Celery worker and beat polling the
simulator every 0.5 s, all on a Redis of the test's own that is restarted mid-way.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.conf import settings as django_settings

from telephony.simulator.server import SimulatorServer
from tests.reliability.conftest import sources_for
from tests.reliability.stack import Stack, free_ports, vendor_env, wait_for
from wallboard.embedded_redis import start
from wallboard.testing.browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # playwright's loop shares this thread
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


CRM_KEY = "browser-crm-key"


def crm_event(call_id: str, state: str) -> dict[str, str]:
    return {"apiKey": CRM_KEY, "callId": call_id, "state": state, "source": "994501234567"}


class Webhooks:
    """A busy centre: a VirtualATS call event every 0.25 s, in a thread, until stopped."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with httpx.Client(timeout=5) as http:
            for number in itertools.count():
                state = "NEW" if number % 2 == 0 else "HANGUP"
                with contextlib.suppress(httpx.HTTPError):  # Redis may be restarting
                    http.post(self.url, json=crm_event(f"busy{number // 2}", state))
                if self.stopping.wait(0.25):
                    return

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)


def test_a_browser_board_resyncs_by_itself_after_redis_restarts(
    sim: SimulatorServer, floor_tv_token: str, chromium: object, tmp_path: Path
) -> None:
    redis_port, web_port = free_ports(2)
    redis = start(port=redis_port)
    env = {
        **os.environ,
        **vendor_env(sources_for(sim)),
        "REDIS_URL": redis.url,
        "WALLBOARD_DB_PATH": str(django_settings.DATABASES["default"]["NAME"]),
        "WALLBOARD_POLL_SECONDS": "2",  # the default: the page's watchdog waits 6 s
        "VIRTUALATS_CRM_API_KEY": CRM_KEY,
    }
    stack = Stack(env, tmp_path)
    webhooks = None
    try:
        stack.web("web", web_port)
        stack.worker("worker", "--beat", "-s", str(tmp_path / "beat"))
        page = chromium.new_page()  # type: ignore[attr-defined]
        page.goto(f"http://127.0.0.1:{web_port}/boards/floor/?token={floor_tv_token}")
        agents = page.locator('.agent[data-id^="voicenter:"]')
        agents.first.wait_for(state="attached", timeout=15_000)
        webhooks = Webhooks(f"http://127.0.0.1:{web_port}/hooks/virtualats/")
        # A board that has been open a while: its version is well past a handful.
        page.wait_for_function("Number(document.body.dataset.version) >= 25", timeout=15_000)

        redis.stop()
        redis = start(port=redis_port)  # empty, as a restarted Redis without persistence
        state = httpx.get(f"{sim.base_url}/_sim/state").json()["agents"]
        username = next(a["username"] for a in state if a["status"] == 1 and a["call"] is None)
        httpx.post(f"{sim.base_url}/_sim/agents/{username}/status", json={"status": 3})

        tile = page.locator(f'.agent[data-id="voicenter:{username}"]')
        wait_for(lambda: "Lunch break" in tile.inner_text(), 8, "the change after the restart")
    finally:
        if webhooks is not None:
            webhooks.stop()
        stack.stop_all()
        redis.stop()
