"""The outbox against the simulated helpdesk and Mango over real HTTP on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from telephony.model import Agent, Call, Snapshot
from telephony.simulator.receivers import ReceiverServer
from wallboard.outbox import services
from wallboard.outbox.lifecycle import events_between
from wallboard.outbox.models import OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)

AGENT = Agent(
    id="voicenter:SIP1001", source="voicenter", extension="SIP1001", name="Dana", state="available"
)


@pytest.fixture
def receivers(settings: Any) -> Iterator[ReceiverServer]:
    with ReceiverServer(channel_key="chan", mango_token="tok", widget_id="7") as server:
        settings.WALLBOARD_SINKS = {
            "helpdesk": {"calls_url": server.helpdesk_url},
            "mango": {"token": "tok", "widget_id": "7", "base_url": server.mango_base_url},
        }
        services.sink_for.cache_clear()
        yield server
    services.sink_for.cache_clear()


def call(status: str, answered_at: float | None = None) -> Call:
    return Call(
        id="voicenter:ivr-1",
        source="voicenter",
        direction="inbound",
        status=status,
        caller="0501234567",
        callee="SIP1001",
        did="0722776772",
        agent_id=AGENT.id,
        started_at=1_764_000_000.0,
        answered_at=answered_at,
    )


def snapshot(*calls: Call) -> Snapshot:
    return Snapshot(source="voicenter", agents={AGENT.id: AGENT}, calls={c.id: c for c in calls})


def a_whole_call() -> None:
    """Observe a call ring, be answered and end, as three polls would."""
    ringing, talking = snapshot(call("ringing")), snapshot(call("talking", 1_764_000_010.0))
    for old, new, now in [
        (snapshot(), ringing, 1),
        (ringing, talking, 2),
        (talking, snapshot(), 3),
    ]:
        services.record(events_between(old, new, 1_764_000_000.0 + 60 * now))


def everything_is_due() -> None:
    """Time passes: every retry is due now."""
    OutboxEvent.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_a_call_reaches_the_helpdesk_as_create_then_updates_and_mango_once(receivers) -> None:
    a_whole_call()
    assert services.deliver_due() == 4
    helpdesk = [r.fields for r in receivers.requests("helpdesk")]
    assert helpdesk[0] == {
        "action": "create_call",
        "direction": "incoming",
        "phone": "0501234567",
        "call_status": "ringing",
        "pbx_call_id": "ivr-1",
        "pbx_user_ids[]": "SIP1001",
    }
    assert [(f["action"], f.get("call_id"), f["call_status"]) for f in helpdesk[1:]] == [
        ("update_call", "725", "in-progress"),
        ("update_call", "725", "answered"),
    ]
    [mango] = receivers.requests("mango")
    assert mango.json["callId"] == "voicenter:ivr-1"
    assert (mango.json["phoneFrom"], mango.json["phoneTo"]) == ("+972501234567", "+972722776772")
    assert mango.json["dateEnd"] == "2025-11-24T16:03:00Z"
    assert receivers.duplicates() == {}


def test_observing_the_same_moment_twice_queues_it_once(receivers) -> None:
    a_whole_call()
    a_whole_call()  # a poll re-run after a crash sees the same changes again
    assert OutboxEvent.objects.count() == 4


def test_a_receiver_down_for_an_hour_gets_everything_once_when_it_returns(receivers) -> None:
    a_whole_call()
    receivers.down()
    for _ in range(15):  # an hour of retries at the five-minute ceiling
        services.deliver_due()
        everything_is_due()
    assert set(OutboxEvent.objects.values_list("status", flat=True)) == {"pending"}
    tried = OutboxEvent.objects.filter(
        kind__in=["started", "ended"], sink__in=["helpdesk", "mango"]
    )
    assert {e.attempts for e in tried if e.kind == "started" or e.sink == "mango"} == {15}
    assert not OutboxEvent.objects.filter(kind="answered", attempts__gt=0)  # waiting for create
    receivers.up()
    while services.deliver_due():
        pass
    assert set(OutboxEvent.objects.values_list("status", flat=True)) == {"delivered"}
    assert receivers.deliveries("helpdesk") == {"ivr-1": 3}
    assert receivers.duplicates() == {}


def test_an_update_never_overtakes_its_create(receivers) -> None:
    a_whole_call()
    receivers.fail_next(503)  # the create fails once
    services.deliver_due()
    assert receivers.requests("helpdesk")[-1].fields["action"] == "create_call"
    assert not OutboxEvent.objects.filter(sink="helpdesk", kind="answered", status="delivered")
    everything_is_due()
    services.deliver_due()
    actions = [r.fields["action"] for r in receivers.requests("helpdesk") if r.status == 200]
    assert actions == ["create_call", "update_call", "update_call"]


def only_mango(settings: Any) -> None:
    del settings.WALLBOARD_SINKS["helpdesk"]


def test_a_refusal_is_parked_with_its_error_and_can_be_retried_by_hand(receivers, settings) -> None:
    only_mango(settings)
    services.record(events_between(snapshot(call("talking", 5.0)), snapshot(), 1_764_000_100.0))
    receivers.fail_next(400)
    services.deliver_due()
    parked = OutboxEvent.objects.get(sink="mango")
    assert parked.status == "parked"
    assert parked.last_error.startswith("Mango externalCall: HTTP 400")
    assert services.retry_parked([parked.id]) == 1
    services.deliver_due()
    assert OutboxEvent.objects.get(sink="mango").status == "delivered"


def test_an_event_held_by_a_dead_worker_is_sent_again_once_its_lease_runs_out(
    receivers, settings
) -> None:
    only_mango(settings)
    services.record(events_between(snapshot(call("talking", 5.0)), snapshot(), 1_764_000_100.0))
    event = OutboxEvent.objects.get(sink="mango")
    assert services.claim(event.id) is not None  # a worker took it ... and was killed
    assert services.deliver_due() == 0  # leased: nobody else sends it meanwhile
    OutboxEvent.objects.filter(id=event.id).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert services.deliver_due() == 1
    assert OutboxEvent.objects.get(id=event.id).status == "delivered"
    assert receivers.deliveries("mango") == {"voicenter:ivr-1": 1}


def test_with_no_sink_configured_nothing_is_recorded(settings) -> None:
    settings.WALLBOARD_SINKS = {}
    a_whole_call()
    assert not OutboxEvent.objects.exists()
