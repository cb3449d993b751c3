from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from telephony.http import make_client
from telephony.voicenter import VoicenterClient
from wallboard.board import backoff, services, sources, store
from wallboard.models import Board

pytestmark = pytest.mark.django_db

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def vendor(
    vendor_fixtures: dict[str, Any], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> Iterator[dict[str, Any]]:
    """Voicenter faked at the HTTP seam; tests edit `answers` or set `fail` to a handler."""
    state: dict[str, Any] = {
        "extensions": copy.deepcopy(vendor_fixtures["voicenter.GetExtensionsCalls"]),
        "queues": copy.deepcopy(vendor_fixtures["voicenter.GetQueuesCallers"]),
        "fail": None,
    }

    def handler(request: httpx.Request) -> httpx.Response:
        if state["fail"] is not None:
            return state["fail"](request)
        key = "extensions" if request.url.path.endswith("GetExtensionsCalls") else "queues"
        return httpx.Response(200, json=state[key])

    http = make_client("https://voicenter.test/comet/API", transport=httpx.MockTransport(handler))
    client = VoicenterClient("code", "unused", http=http)
    settings.WALLBOARD_SOURCES = {"voicenter": {"code": "code", "base_url": "unused"}}
    monkeypatch.setattr(sources, "client_for", lambda name: client)
    yield state


def test_a_poll_stores_the_snapshot_and_publishes_it_as_version_one(vendor, board_deltas) -> None:
    assert services.poll_source("voicenter") == "ok: 5 changes"
    [delta] = board_deltas()
    assert (delta["type"], delta["version"]) == ("delta", 1)
    assert set(delta["changes"]["agents"]) == {"voicenter:SIPSIP1", "voicenter:SIPSIP2"}
    assert delta["changes"]["sources"]["voicenter"]["ok"] is True
    assert store.load_snapshot("voicenter").agents["voicenter:SIPSIP2"].state == "talking"


def test_a_second_identical_poll_sends_only_the_heartbeat(vendor, board_deltas) -> None:
    services.poll_source("voicenter")
    services.poll_source("voicenter")
    first, second = board_deltas()
    assert second["version"] == first["version"] + 1
    assert list(second["changes"]) == ["sources"]


def test_one_changed_agent_is_the_whole_delta(vendor, board_deltas) -> None:
    services.poll_source("voicenter")
    vendor["extensions"]["EXTENSIONS"][0]["onlineUserStatus"] = 3
    services.poll_source("voicenter")
    changes = board_deltas()[-1]["changes"]
    assert list(changes["agents"]) == ["voicenter:SIPSIP1"]
    assert changes["agents"]["voicenter:SIPSIP1"]["state_reason"] == "Lunch break"


def test_every_board_gets_its_own_version(vendor, board_deltas) -> None:
    Board.objects.create(name="Sales", slug="sales")
    services.poll_source("voicenter")
    services.poll_source("voicenter")
    assert store.client().get(store.version_key("floor")) == b"2"
    assert store.client().get(store.version_key("sales")) == b"2"


def test_a_failed_poll_keeps_the_last_good_state_and_says_why(
    vendor, board_deltas, caplog: pytest.LogCaptureFixture
) -> None:
    services.poll_source("voicenter")
    good = store.load_snapshot("voicenter")
    vendor["fail"] = lambda request: httpx.Response(502)
    with caplog.at_level(logging.WARNING):
        assert services.poll_source("voicenter") == "failed: Voicenter GetExtensionsCalls: HTTP 502"
    assert store.load_snapshot("voicenter") == good
    health = store.load_health("voicenter")
    assert (health.ok, health.last_error) == (False, "Voicenter GetExtensionsCalls: HTTP 502")
    assert health.last_ok_at is not None
    delta = board_deltas()[-1]
    assert list(delta["changes"]) == ["sources"]
    [line] = [r.getMessage() for r in caplog.records if r.name == "wallboard.board.services"]
    assert line.startswith("voicenter poll failed: Voicenter GetExtensionsCalls: HTTP 502;")
    assert "keeping last good data" in line


def test_a_failing_source_backs_off_and_recovers(vendor, settings) -> None:
    settings.WALLBOARD_POLL_SECONDS = 2
    vendor["fail"] = lambda request: httpx.Response(500)
    now = time.time()
    assert backoff.record_failure("voicenter", now=now, permanent=False) == 2
    assert backoff.record_failure("voicenter", now=now, permanent=False) == 4
    assert backoff.is_backing_off("voicenter", now=now + 2)
    assert not backoff.is_backing_off("voicenter", now=now + 4)
    assert services.poll_source("voicenter") == "skipped: backing off after failures"
    backoff.clear("voicenter")
    vendor["fail"] = None
    assert services.poll_source("voicenter").startswith("ok")
    assert store.load_health("voicenter").ok


def test_bad_credentials_wait_the_longest_backoff(settings) -> None:
    settings.WALLBOARD_MAX_BACKOFF_SECONDS = 60
    assert backoff.record_failure("voicenter", now=0, permanent=True) == 60


def test_an_overlapping_poll_of_the_same_source_is_skipped(vendor) -> None:
    lock = store.client().lock(f"{store.PREFIX}:src:voicenter:poll-lock", timeout=5)
    assert lock.acquire(blocking=False)
    try:
        assert (
            services.poll_source("voicenter") == "skipped: a poll of this source is already running"
        )
    finally:
        lock.release()
