"""Reliability tests: faults, fuzzing, restarts, several processes, health and metrics.

Every fuzz test counts the inputs it tried with the ``inputs_tried`` fixture; the counts are
printed at the end of the run ("hypothesis inputs tried").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from telephony.simulator.callcentre import CallCentre
from telephony.simulator.server import SimulatorServer
from tests.conftest import SIM_KEYS
from wallboard.board import sources

_TRIED: Counter[str] = Counter()


class InputCounter:
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, n: int = 1) -> None:
        _TRIED[self.name] += n

    @property
    def count(self) -> int:
        return _TRIED[self.name]


@pytest.fixture
def inputs_tried(request: pytest.FixtureRequest) -> InputCounter:
    """Call it once per generated input; the total is reported in the terminal summary."""
    return InputCounter(request.node.name)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _TRIED:
        return
    terminalreporter.section("hypothesis inputs tried")
    for name, count in sorted(_TRIED.items()):
        terminalreporter.write_line(f"{count:>6}  {name}")
    terminalreporter.write_line(f"{sum(_TRIED.values()):>6}  in all")


@pytest.fixture
def fast_polls(settings: Any) -> Any:
    """Polls every 0.2 s, a vendor given 0.3 s to answer, backoff at most 0.4 s."""
    settings.WALLBOARD_POLL_SECONDS = 0.2
    settings.WALLBOARD_HTTP_TIMEOUT = 0.3
    settings.WALLBOARD_MAX_BACKOFF_SECONDS = 0.4
    return settings


@pytest.fixture(scope="module")
def shared_simulator() -> Iterator[SimulatorServer]:
    """One frozen simulated call centre for a whole module (starting one takes a while)."""
    server = SimulatorServer(CallCentre(agents=20, queues=4, seed=7), **SIM_KEYS)
    server.start()
    try:
        httpx.post(f"{server.base_url}/_sim/freeze").raise_for_status()
        yield server
    finally:
        server.stop()


@pytest.fixture
def sim(shared_simulator: SimulatorServer, settings: Any) -> Iterator[SimulatorServer]:
    """The shared simulator, without faults, configured as the board's three vendors."""
    clear_faults(shared_simulator)
    settings.WALLBOARD_SOURCES = sources_for(shared_simulator)
    sources.client_for.cache_clear()
    yield shared_simulator
    clear_faults(shared_simulator)
    sources.client_for.cache_clear()


def sources_for(server: SimulatorServer) -> dict[str, dict[str, Any]]:
    """WALLBOARD_SOURCES for the simulator, as tests/conftest.py's start_simulator sets it."""
    base = server.base_url
    return {
        "voicenter": {
            "code": SIM_KEYS["voicenter_code"],
            "base_url": f"{base}/voicenter/comet/API",
            "status_api_url": f"{base}/voicenter-api",
        },
        "virtualats": {
            "public_key": SIM_KEYS["virtualats_public_key"],
            "secret_key": SIM_KEYS["virtualats_secret_key"],
            "base_url": f"{base}/virtualats/vats/api",
            "time_zone": "Asia/Baku",
        },
        "yemot": {
            "token": SIM_KEYS["yemot_token"],
            "base_url": f"{base}/yemot/ym/api",
            "queues": ["/1", "/2"],
        },
    }


def set_fault(simulator: SimulatorServer, vendor: str, kind: str, **options: Any) -> None:
    reply = httpx.post(
        f"{simulator.base_url}/_sim/faults", json={"vendor": vendor, "kind": kind, **options}
    )
    reply.raise_for_status()


def clear_faults(simulator: SimulatorServer) -> None:
    httpx.post(f"{simulator.base_url}/_sim/faults/clear").raise_for_status()
