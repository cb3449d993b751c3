"""Record lifecycle events durably, and deliver them to the sinks with retries."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING

import msgspec
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from telephony.base import TelephonyError
from telephony.http import make_client
from telephony.model import CallEvent
from telephony.sinks import SINK_BACKENDS
from wallboard.outbox.models import OutboxEvent, SinkCall

if TYPE_CHECKING:
    from telephony.base import Sink

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_DELAY_SECONDS = 300.0  # a receiver down for hours is retried every five minutes


def record(events: list[CallEvent]) -> int:
    """Queue each event for every sink that wants it; repeats are ignored by their key.

    Called before the observed state is published, so a crash in between makes the next
    observation record the same events again (and the key drops the repeats).
    """
    rows = [
        OutboxEvent(
            sink=name,
            key=f"{name}:{event.call.id}:{event.kind}",
            call_id=event.call.id,
            kind=event.kind,
            payload=msgspec.to_builtins(event),
        )
        for name in settings.WALLBOARD_SINKS
        for event in events
        if event.kind in sink_for(name).kinds
    ]
    if rows:
        with transaction.atomic():
            OutboxEvent.objects.bulk_create(rows, ignore_conflicts=True)
            transaction.on_commit(kick_delivery)
    return len(rows)


def kick_delivery() -> None:
    from wallboard.outbox.tasks import deliver_outbox

    deliver_outbox.delay()


@cache
def sink_for(name: str) -> Sink:
    config = dict(settings.WALLBOARD_SINKS[name])
    url = config.get("base_url") or config.get("calls_url")
    http = make_client(url, timeout=settings.WALLBOARD_HTTP_TIMEOUT)
    return import_string(SINK_BACKENDS[name])(**config, http=http)


def deliver_due(limit: int = 200) -> int:
    """Deliver what is due, oldest first, one call's events in order; returns how many went."""
    delivered = 0
    due = OutboxEvent.objects.filter(
        status=OutboxEvent.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("id", flat=True)[:limit]
    for event_id in list(due):
        delivered += deliver_one(event_id)
    return delivered


def deliver_one(event_id: int) -> bool:
    event = claim(event_id)
    if event is None:
        return False
    if waits_for_earlier(event):
        OutboxEvent.objects.filter(id=event.id).update(lease_until=None)
        return False
    try:
        receipt = sink_for(event.sink).deliver(
            msgspec.convert(event.payload, CallEvent), remote_id_for(event)
        )
    except TelephonyError as exc:
        failed(event, exc)
        return False
    succeeded(event, receipt.response, receipt.remote_id)
    return True


def claim(event_id: int) -> OutboxEvent | None:
    """Take the event for this worker, unless another holds a live lease on it."""
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    taken = OutboxEvent.objects.filter(free, id=event_id, status=OutboxEvent.Status.PENDING).update(
        lease_until=now + LEASE
    )
    return OutboxEvent.objects.get(id=event_id) if taken else None


def waits_for_earlier(event: OutboxEvent) -> bool:
    # An update must not overtake the create it refers to.
    return OutboxEvent.objects.filter(
        sink=event.sink, call_id=event.call_id, id__lt=event.id, status=OutboxEvent.Status.PENDING
    ).exists()


def remote_id_for(event: OutboxEvent) -> str | None:
    found = SinkCall.objects.filter(sink=event.sink, call_id=event.call_id).first()
    return found.remote_id if found else None


def succeeded(event: OutboxEvent, response: str, remote_id: str | None) -> None:
    with transaction.atomic():
        if remote_id:
            SinkCall.objects.get_or_create(
                sink=event.sink, call_id=event.call_id, defaults={"remote_id": remote_id}
            )
        OutboxEvent.objects.filter(id=event.id).update(
            status=OutboxEvent.Status.DELIVERED,
            attempts=event.attempts + 1,
            response=response[:10_000],
            delivered_at=timezone.now(),
            lease_until=None,
            last_error="",
        )


def failed(event: OutboxEvent, exc: TelephonyError) -> None:
    attempts = event.attempts + 1
    if exc.permanent:
        status, delay = OutboxEvent.Status.PARKED, 0.0
        log.warning("%s %s %s parked: %s", event.sink, event.kind, event.call_id, exc.message)
    else:
        status, delay = OutboxEvent.Status.PENDING, retry_delay(attempts)
        log.warning(
            "%s %s %s failed (attempt %d): %s; next try in %.0f s",
            *(event.sink, event.kind, event.call_id, attempts, exc.message, delay),
        )
    OutboxEvent.objects.filter(id=event.id).update(
        status=status,
        attempts=attempts,
        last_error=exc.message,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        lease_until=None,
    )


def retry_delay(attempts: int) -> float:
    """5, 10, 20 … seconds, at most five minutes, with jitter so a recovering receiver is not
    hit by every event at the same instant."""
    base = min(5.0 * 2 ** (attempts - 1), MAX_DELAY_SECONDS)
    return base * random.uniform(0.8, 1.2)


def retry_parked(ids: list[int]) -> int:
    """Put parked events back in the queue (the admin's "Retry now")."""
    return OutboxEvent.objects.filter(id__in=ids, status=OutboxEvent.Status.PARKED).update(
        status=OutboxEvent.Status.PENDING, next_attempt_at=timezone.now(), lease_until=None
    )
