"""A real Celery worker killed in the middle of a delivery: nothing is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from telephony.model import Call, Snapshot
from telephony.simulator.receivers import ReceiverServer
from wallboard.celery import app
from wallboard.outbox import services
from wallboard.outbox.lifecycle import events_between
from wallboard.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)
BASE_DIR = Path(__file__).resolve().parents[2]


def start_worker(receivers: ReceiverServer) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "WALLBOARD_DB_PATH": str(django_settings.DATABASES["default"]["NAME"]),
        "MANGO_TOKEN": "tok",
        "MANGO_WIDGET_ID": "7",
        "MANGO_BASE_URL": receivers.mango_base_url,
    }
    command = [sys.executable, "-m", "celery", "-A", "wallboard", "worker", "--pool", "solo"]
    return subprocess.Popen([*command, "-l", "warning"], cwd=BASE_DIR, env=env)


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_worker_killed_mid_delivery_leaves_the_event_to_the_next_worker(settings) -> None:
    with ReceiverServer(mango_token="tok", widget_id="7") as receivers:
        settings.WALLBOARD_SINKS = {
            "mango": {"token": "tok", "widget_id": "7", "base_url": receivers.mango_base_url}
        }
        services.sink_for.cache_clear()
        call = Call(
            id="voicenter:ivr-9",
            source="voicenter",
            direction="inbound",
            status="talking",
            caller="0501234567",
            callee="SIP1",
            did="0722776772",
            started_at=1_764_000_000.0,
            answered_at=1_764_000_005.0,
        )
        before = Snapshot(source="voicenter", calls={call.id: call})
        receivers.delay(30)  # the receiver takes the call in, then answers very late
        services.record(events_between(before, Snapshot(source="voicenter"), 1_764_000_100.0))

        worker = start_worker(receivers)
        app.send_task("wallboard.deliver_outbox")
        wait_for(lambda: len(receivers.requests("mango")) == 1)
        worker.send_signal(signal.SIGKILL)  # mid-delivery: sent, no answer recorded
        worker.wait()
        event = OutboxEvent.objects.get()
        assert (event.status, event.lease_until is not None) == ("pending", True)

        receivers.delay(0)
        # A minute later the lease has run out; the next worker (or beat's sweep) sends it.
        OutboxEvent.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
        worker = start_worker(receivers)
        try:
            app.send_task("wallboard.deliver_outbox")
            wait_for(lambda: OutboxEvent.objects.get().status == "delivered")
        finally:
            worker.terminate()
            worker.wait(timeout=10)
        # At least once: the receiver saw the same callId twice and keeps one call.
        sent = [r.json["callId"] for r in receivers.requests("mango")]
        assert sent == ["voicenter:ivr-9", "voicenter:ivr-9"]
    services.sink_for.cache_clear()
