"""Events waiting for (or done with) delivery to a sink, one row per sink and event."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxEvent(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        PARKED = "parked"  # refused for good (a 4xx): kept with its error, retryable by hand

    sink = models.CharField(max_length=20)
    # sink:call id:kind. Unique, so observing the same moment twice (a poll re-run after a
    # crash, a repeated webhook) never queues it twice.
    key = models.CharField(max_length=250, unique=True)
    call_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    payload = models.JSONField(help_text="the CallEvent, as sent to the sink")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker holds an event while it sends it; if it dies, the lease runs out and another
    # worker takes the event again (at least once; the key lets the receiver spot a repeat).
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    response = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["sink", "call_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.sink} {self.kind} {self.call_id} ({self.status})"


class SinkCall(models.Model):
    """The receiver's own id for a call (the helpdesk's call_id), for later updates."""

    sink = models.CharField(max_length=20)
    call_id = models.CharField(max_length=200)
    remote_id = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sink", "call_id"], name="one_remote_id_per_call")
        ]

    def __str__(self) -> str:
        return f"{self.sink} {self.call_id} → {self.remote_id}"
