"""Real Chromium (Debian's, never a downloaded build) and, for live tests, the real stack."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from telephony.simulator.server import SimulatorServer
from wallboard.embedded_redis import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
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


def _wait_for_port(port: int, processes: list[subprocess.Popen[bytes]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listened on port {port} within {timeout} s")


@pytest.fixture
def live_board(simulator: SimulatorServer, transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """Daphne and a Celery worker with embedded beat, as separate processes, sharing the test's
    Redis and database and polling the simulator every 0.5 s. Yields the server's base URL."""
    port = free_port()
    env = {
        **os.environ,
        "WALLBOARD_DB_PATH": str(django_settings.DATABASES["default"]["NAME"]),
        "VOICENTER_CODE": "sim-code",
        "VOICENTER_BASE_URL": f"{simulator.base_url}/voicenter/comet/API",
        "WALLBOARD_POLL_SECONDS": "0.5",
    }
    python = sys.executable
    commands = [
        [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "wallboard.asgi:application"],
        [
            python,
            "-m",
            "celery",
            "-A",
            "wallboard",
            "worker",
            "--beat",
            "--pool",
            "solo",
            "-l",
            "warning",
            "-s",
            str(tmp_path / "beat-schedule"),
        ],
    ]
    processes = [subprocess.Popen(c, cwd=BASE_DIR, env=env) for c in commands]
    try:
        _wait_for_port(port, processes, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
