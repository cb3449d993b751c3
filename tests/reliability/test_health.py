"""/healthz, /metrics, the worker heartbeat, the single beat, structured logs and the probes."""

from __future__ import annotations

import io
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from telephony.simulator.server import SimulatorServer
from tests.reliability.conftest import set_fault
from wallboard import beat_lock
from wallboard.asgi import application
from wallboard.board import services, store
from wallboard.celery import app as celery_app
from wallboard.embedded_redis import free_port
from wallboard.health import connections, heartbeat, keys, probe
from wallboard.logs import JsonFormatter, logging_config
from wallboard.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db

SAMPLE = re.compile(r"^(?P<name>[a-z_]+)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$")


def scrape(client: Client, **headers: str) -> dict[str, float]:
    """/metrics as {'name{labels}': value}, checking every line is Prometheus text."""
    response = client.get("/metrics", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for line in response.content.decode().splitlines():
        if line.startswith("# "):
            assert re.match(r"# (HELP|TYPE) [a-z_]+ ", line), line
            continue
        match = SAMPLE.match(line)
        assert match, f"not a Prometheus sample: {line!r}"
        key = match["name"] + (f"{{{match['labels']}}}" if match["labels"] else "")
        samples[key] = float(match["value"])
    return samples


def poll_all() -> None:
    for source in ("voicenter", "virtualats", "yemot"):
        assert services.poll_source(source).startswith("ok")


def test_healthz_says_ok_when_every_source_is_fresh_a_worker_beats_and_a_beat_sends(
    sim: SimulatorServer, client: Client
) -> None:
    poll_all()
    heartbeat.beat("celery@worker-1")
    keys.probe_client().set(keys.BEAT_LOCK, "beat-host:42:abc", px=10_000)
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert (report["status"], report["problems"]) == ("ok", [])
    assert report["redis"]["ok"] is True
    assert list(report["celery"]["workers"]) == ["celery@worker-1"]
    assert report["celery"]["beat"]["holder"] == "beat-host:42:abc"
    for name in ("voicenter", "virtualats", "yemot"):
        source = report["sources"][name]
        assert (source["ok"], source["fresh"], source["last_error"]) == (True, True, "")
        assert 0 <= source["age_seconds"] < 5
    assert report["outbox"] == {"pending": 0, "parked": 0, "oldest_pending_age_seconds": None}
    assert client.get("/healthz?strict=1").status_code == 200


def test_healthz_names_a_stale_source_with_its_age_and_error_and_a_missing_worker(
    sim: SimulatorServer, client: Client, fast_polls: Any
) -> None:
    poll_all()
    set_fault(sim, "yemot", "status", status=502)
    time.sleep(0.7)  # older than three 0.2 s poll periods
    assert services.poll_source("yemot").startswith("failed")
    assert services.poll_source("voicenter").startswith("ok")
    response = client.get("/healthz")
    assert response.status_code == 200  # this process and Redis work: keep it in the pool
    report = response.json()
    assert report["status"] == "degraded"
    yemot = report["sources"]["yemot"]
    assert (yemot["ok"], yemot["fresh"]) == (False, False)
    assert yemot["last_error"] == "Yemot GetQueueRealTime /1: HTTP 502"
    assert yemot["age_seconds"] >= 0.7
    assert report["sources"]["voicenter"]["fresh"] is True
    assert report["problems"] == [
        "source virtualats is stale",
        "source yemot is stale",
        "no Celery worker heartbeat",
        "no Celery beat holds the schedule lock",
    ]
    assert client.get("/healthz?strict=1").status_code == 503


def test_healthz_is_503_when_redis_cannot_be_reached(client: Client, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing answers
    keys.probe_client.cache_clear()
    try:
        response = client.get("/healthz")
    finally:
        keys.probe_client.cache_clear()
    assert response.status_code == 503
    report = response.json()
    assert (report["status"], report["redis"]["ok"]) == ("down", False)
    assert "Connection refused" in report["redis"]["error"] or report["redis"]["error"]


def test_metrics_count_polls_errors_and_latency_per_source(
    sim: SimulatorServer, client: Client, fast_polls: Any
) -> None:
    set_fault(sim, "virtualats", "slow", delay=0.12)
    assert services.poll_source("virtualats").startswith("ok")
    set_fault(sim, "virtualats", "status", status=500)
    time.sleep(0.15)  # past the first failure's backoff
    assert services.poll_source("voicenter").startswith("ok")
    assert services.poll_source("virtualats").startswith("failed")
    samples = scrape(client)
    assert samples['wallboard_polls_total{source="virtualats",result="ok"}'] == 1
    assert samples['wallboard_polls_total{source="virtualats",result="error"}'] == 1
    assert samples['wallboard_poll_errors_total{source="virtualats"}'] == 1
    assert samples['wallboard_poll_errors_total{source="voicenter"}'] == 0
    assert samples['wallboard_poll_latency_seconds_count{source="virtualats"}'] == 2
    assert samples['wallboard_poll_latency_seconds_sum{source="virtualats"}'] >= 0.12
    assert samples['wallboard_poll_latency_seconds_bucket{source="virtualats",le="0.1"}'] <= 1
    assert samples['wallboard_poll_latency_seconds_bucket{source="virtualats",le="+Inf"}'] == 2
    assert samples['wallboard_source_up{source="voicenter"}'] == 1
    assert samples['wallboard_source_up{source="virtualats"}'] == 0
    assert samples["wallboard_redis_up"] == 1


def test_metrics_show_the_outbox_backlog(client: Client) -> None:
    created = timezone.now() - timedelta(seconds=90)
    for index, status in enumerate(["pending", "pending", "parked", "delivered"]):
        OutboxEvent.objects.create(
            sink="mango", key=f"k{index}", call_id="c", kind="ended", payload={}, status=status
        )
    OutboxEvent.objects.filter(key="k0").update(created_at=created)
    samples = scrape(client)
    assert samples['wallboard_outbox_backlog{status="pending"}'] == 2
    assert samples['wallboard_outbox_backlog{status="parked"}'] == 1
    assert samples["wallboard_outbox_oldest_pending_seconds"] >= 90


def test_metrics_want_the_bearer_token_when_one_is_set(client: Client, settings: Any) -> None:
    settings.WALLBOARD_METRICS_TOKEN = "s3cret"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    assert scrape(client, HTTP_AUTHORIZATION="Bearer s3cret")["wallboard_redis_up"] == 1


@pytest.mark.django_db(transaction=True)
async def test_metrics_count_the_boards_connected_here_and_in_other_web_processes(
    sim: SimulatorServer, floor_tv_token: str
) -> None:
    boards = []
    for _ in range(2):
        board = WebsocketCommunicator(
            application,
            f"/ws/boards/floor/?token={floor_tv_token}",
            headers=[(b"origin", b"http://localhost")],
        )
        assert (await board.connect())[0]
        await board.receive_json_from()
        boards.append(board)
    # Another web process reports its own count the same way.
    keys.probe_client().set(keys.web("other-host:7"), 3, ex=15)
    samples = await sync_to_async(scrape)(Client())
    assert samples["wallboard_connected_boards"] == 5
    assert (
        samples[f'wallboard_connected_boards_by_process{{process="{connections.instance()}"}}'] == 2
    )
    assert samples['wallboard_connected_boards_by_process{process="other-host:7"}'] == 3
    for board in boards:
        await board.disconnect()
    samples = await sync_to_async(scrape)(Client())
    assert samples["wallboard_connected_boards"] == 3


def test_operational_keys_live_beside_the_boards_own() -> None:
    assert keys.PREFIX == store.PREFIX


def test_a_worker_heartbeat_expires_unless_renewed() -> None:
    heartbeat.beat("celery@box")
    ttl = keys.probe_client().ttl(keys.worker("celery@box"))
    assert 0 < ttl <= heartbeat.EXPIRE_SECONDS
    assert list(heartbeat.workers(keys.probe_client(), time.time())) == ["celery@box"]


def test_the_probes_say_what_is_healthy(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WALLBOARD_PORT", str(free_port()))  # no web process there
    assert probe.main(["worker"]) == 1
    assert probe.main(["beat"]) == 1
    heartbeat.beat(f"celery@{probe.socket.gethostname()}")
    keys.probe_client().set(keys.BEAT_LOCK, "somewhere:1:x", px=5000)
    assert probe.main(["worker"]) == 0
    assert probe.main(["beat"]) == 0
    assert probe.main(["web"]) == 1
    out = capsys.readouterr()
    assert "beat: somewhere:1:x sends the schedule" in out.out
    assert "worker: no heartbeat from a worker on" in out.err


# --- One beat at a time -------------------------------------------------------------------------


@pytest.fixture
def quick_beat(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A lock that lives 1 s, and one entry: a Voicenter poll every 0.2 s."""
    monkeypatch.setattr(beat_lock, "LOCK_SECONDS", 1.0)
    monkeypatch.setattr(beat_lock, "STANDBY_CHECK_SECONDS", 0.05)
    before = celery_app.conf.beat_schedule
    celery_app.conf.beat_schedule = {
        "poll-voicenter": {
            "task": "wallboard.poll_source",
            "schedule": 0.2,
            "args": ("voicenter",),
        }
    }
    yield
    celery_app.conf.beat_schedule = before


class Beat:
    """One beat process's scheduler, ticking in a thread as `celery beat` would."""

    def __init__(self, schedule_file: Path) -> None:
        self.scheduler = beat_lock.SingleBeatScheduler(
            app=celery_app, schedule_filename=str(schedule_file)
        )
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.stopping.wait(min(self.scheduler.tick(), 0.05))

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        self.scheduler.close()


def sent_polls() -> int:
    return store.client().llen("celery")  # the broker's default queue


def test_two_beats_send_each_poll_once_and_the_spare_takes_over_without_a_burst(
    quick_beat: None, tmp_path: Path
) -> None:
    first, second = Beat(tmp_path / "a"), Beat(tmp_path / "b")
    try:
        time.sleep(2.0)  # ten periods of 0.2 s
        together = sent_polls()
        assert 8 <= together <= 12, f"{together} polls sent in 10 periods"
        leader, spare = (first, second) if first.scheduler._leading else (second, first)
        assert not spare.scheduler._leading

        leader.stop()  # a clean stop lets go of the lock: the spare takes over at once
        time.sleep(1.0)
        assert spare.scheduler._leading
        after = sent_polls() - together
        assert 3 <= after <= 6, f"{after} polls sent in 5 periods after the handover"

        store.client().delete(keys.BEAT_LOCK)  # Redis restarted: the lock is gone
        time.sleep(0.6)
        assert spare.scheduler._leading
        assert keys.probe_client().get(keys.BEAT_LOCK).decode() == spare.scheduler.holder
    finally:
        for beat in (first, second):
            if beat.thread.is_alive():
                beat.stop()


# --- Structured logs ----------------------------------------------------------------------------


def test_json_logs_are_one_object_per_line_with_the_callers_fields() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("wallboard.test-json")
    logger.addHandler(handler)
    try:
        logger.warning("voicenter poll failed: %s", "HTTP 503", extra={"source": "voicenter"})
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logger.exception("it broke")
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines() if line[0] == "{")
    assert first["message"] == "voicenter poll failed: HTTP 503"
    assert (first["level"], first["logger"], first["source"]) == (
        "WARNING",
        "wallboard.test-json",
        "voicenter",
    )
    assert first["time"].endswith("+00:00")
    assert "RuntimeError: boom" in second["exc_info"]


def test_the_log_format_is_text_unless_json_is_asked_for() -> None:
    assert logging_config("", "INFO")["formatters"]["line"]["format"].startswith("%(asctime)s")
    assert logging_config("JSON", "INFO")["formatters"]["line"]["()"].endswith("JsonFormatter")
    with pytest.raises(ImproperlyConfigured, match="text or json"):
        logging_config("xml", "INFO")
