"""Real Chromium (Debian's, never a downloaded build) and, for live tests, the real stack."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from telephony.simulator.server import SimulatorServer
from tests.conftest import start_simulator
from wallboard.embedded_redis import free_port
from wallboard.testing.browser import CHROMIUM, CHROMIUM_ARGS
from wallboard.testing.processes import wait_for_port

CRM_KEY = "e2e-crm-key"

BASE_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = BASE_DIR / "var" / "screenshots"


@pytest.fixture(scope="module", autouse=True)
def django_beside_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an event loop running in this thread, which trips Django's
    async-safety check for the tests' own database set-up; allow it for browser modules only."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(django_beside_playwright: None) -> Iterator[Any]:
    # Module scope: the playwright loop must be gone before non-browser tests run.
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium"
        # In CI a missing browser must fail loudly, never pass as "skipped".
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tv_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@dataclass
class LiveBoard:
    url: str
    simulator: SimulatorServer


@pytest.fixture
def live_board(settings: Any, transactional_db: None, tmp_path: Path) -> Iterator[LiveBoard]:
    """Daphne and a Celery worker with embedded beat, as separate processes, sharing the test's
    Redis and database, polling the simulator every 0.5 s and receiving its VirtualATS webhook."""
    port = free_port()
    settings.VIRTUALATS_CRM_API_KEY = CRM_KEY
    simulator = start_simulator(
        settings, crm_webhook_url=f"http://127.0.0.1:{port}/hooks/virtualats/", crm_api_key=CRM_KEY
    )
    voicenter, virtualats = (settings.WALLBOARD_SOURCES[s] for s in ("voicenter", "virtualats"))
    env = {
        **os.environ,
        "WALLBOARD_DB_PATH": str(django_settings.DATABASES["default"]["NAME"]),
        "WALLBOARD_POLL_SECONDS": "0.5",
        "VOICENTER_CODE": voicenter["code"],
        "VOICENTER_BASE_URL": voicenter["base_url"],
        "VIRTUALATS_PUBLIC_KEY": virtualats["public_key"],
        "VIRTUALATS_SECRET_KEY": virtualats["secret_key"],
        "VIRTUALATS_BASE_URL": virtualats["base_url"],
        "VIRTUALATS_CRM_API_KEY": CRM_KEY,
    }
    python = sys.executable
    commands = [
        [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "wallboard.asgi:application"],
        [python, "-m", "celery", "-A", "wallboard", "worker", "--beat", "--pool", "solo"]
        + ["-l", "warning", "-s", str(tmp_path / "beat-schedule")],
    ]
    processes = [subprocess.Popen(c, cwd=BASE_DIR, env=env) for c in commands]
    try:
        wait_for_port(port, processes, timeout=30)
        yield LiveBoard(f"http://127.0.0.1:{port}", simulator)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        simulator.stop()
