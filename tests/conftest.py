from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from channels.layers import get_channel_layer

from telephony.simulator.callcentre import CallCentre
from telephony.simulator.server import SimulatorServer
from wallboard.board import sources, store
from wallboard.models import Board

SIM_KEYS = {
    "voicenter_code": "sim-code",
    "virtualats_public_key": "sim-public",
    "virtualats_secret_key": "sim-secret",
    "yemot_token": "sim-system:sim-password",
}
FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "vendor-apis" / "fixtures.json"


@pytest.fixture(scope="session")
def vendor_fixtures() -> dict[str, Any]:
    """The vendors' own example responses (shared/vendor-apis/fixtures.json)."""
    return json.loads(FIXTURES.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def empty_redis() -> None:
    store.client().flushdb()


def start_simulator(settings: Any, **options: Any) -> SimulatorServer:
    """The simulated call centre on loopback, frozen so only a test's own changes happen,
    with the board configured to poll it as Voicenter and VirtualATS."""
    server = SimulatorServer(CallCentre(agents=20, queues=4, seed=7), **SIM_KEYS, **options)
    server.start()
    httpx.post(f"{server.base_url}/_sim/freeze").raise_for_status()
    settings.WALLBOARD_SOURCES = {
        "voicenter": {
            "code": SIM_KEYS["voicenter_code"],
            "base_url": f"{server.base_url}/voicenter/comet/API",
            "status_api_url": f"{server.base_url}/voicenter-api",
        },
        "virtualats": {
            "public_key": SIM_KEYS["virtualats_public_key"],
            "secret_key": SIM_KEYS["virtualats_secret_key"],
            "base_url": f"{server.base_url}/virtualats/vats/api",
            "time_zone": "Asia/Baku",
        },
        "yemot": {
            "token": SIM_KEYS["yemot_token"],
            "base_url": f"{server.base_url}/yemot/ym/api",
            "queues": ["/1", "/2"],
        },
    }
    sources.client_for.cache_clear()
    return server


@pytest.fixture
def simulator(settings: Any) -> Iterator[SimulatorServer]:
    server = start_simulator(settings)
    yield server
    server.stop()
    sources.client_for.cache_clear()


@pytest.fixture
def floor_tv_token(transactional_db: None) -> str:
    # Transactional tests flush the data migration's board at teardown, so make sure it exists.
    board, _ = Board.objects.get_or_create(slug="floor", defaults={"name": "Call centre floor"})
    return board.issue_tv_token()


@pytest.fixture
def board_deltas() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """What the floor board's sockets receive (its channel-layer group), decoded."""
    pubsub = store.client().pubsub()
    pubsub.subscribe(store.layer_channel("floor"))
    pubsub.get_message(timeout=1)  # the subscribe confirmation
    layer = get_channel_layer()

    def drain() -> list[dict[str, Any]]:
        messages = []
        while (raw := pubsub.get_message(timeout=0.2)) is not None:
            messages.append(json.loads(layer.deserialize(raw["data"])["text"]))
        return messages

    yield drain
    pubsub.close()
