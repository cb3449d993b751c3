from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from telephony.simulator.callcentre import CallCentre
from telephony.simulator.server import SimulatorServer
from wallboard.board import sources, store
from wallboard.models import Board

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "vendor-apis" / "fixtures.json"


@pytest.fixture(scope="session")
def vendor_fixtures() -> dict[str, Any]:
    """The vendors' own example responses (shared/vendor-apis/fixtures.json)."""
    return json.loads(FIXTURES.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def empty_redis() -> None:
    store.client().flushdb()


@pytest.fixture
def simulator(settings: Any) -> Iterator[SimulatorServer]:
    """The simulated call centre on loopback, frozen so only a test's own changes happen,
    with the board configured to poll it as Voicenter."""
    centre = CallCentre(agents=20, queues=4, seed=7)
    centre.freeze()
    with SimulatorServer(centre, voicenter_code="sim-code") as server:
        settings.WALLBOARD_SOURCES = {
            "voicenter": {"code": "sim-code", "base_url": f"{server.base_url}/voicenter/comet/API"}
        }
        sources.client_for.cache_clear()
        yield server
    sources.client_for.cache_clear()


@pytest.fixture
def floor_tv_token(transactional_db: None) -> str:
    # Transactional tests flush the data migration's board at teardown, so make sure it exists.
    board, _ = Board.objects.get_or_create(slug="floor", defaults={"name": "Call centre floor"})
    return board.issue_tv_token()
