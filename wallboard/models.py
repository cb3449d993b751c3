"""Boards: what a screen shows, and the read-only token a TV opens it with."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class Board(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    sources = models.JSONField(
        default=list, blank=True, help_text='Sources shown, e.g. ["voicenter"]; empty: all.'
    )
    agent_ids = models.JSONField(
        default=list, blank=True, help_text='Agents shown, e.g. ["voicenter:SIP1001"]; empty: all.'
    )
    queue_ids = models.JSONField(
        default=list, blank=True, help_text='Queues shown, e.g. ["yemot:/1"]; empty: all.'
    )
    language = models.CharField(max_length=5, choices=settings.LANGUAGES, default="en")
    time_zone = models.CharField(
        max_length=50, default="UTC", help_text="IANA name, e.g. Asia/Jerusalem: the board's clock."
    )
    density = models.CharField(
        max_length=10,
        choices=[(d, d) for d in ("auto", "roomy", "compact", "dense")],
        default="auto",
        help_text="auto fits every agent on screen, paging when even dense tiles do not fit.",
    )
    wait_warn_seconds = models.PositiveIntegerField(default=60, help_text="A caller turns amber.")
    wait_alert_seconds = models.PositiveIntegerField(default=180, help_text="A caller turns red.")
    pause_alert_seconds = models.JSONField(
        default=dict,
        blank=True,
        help_text='Longest pause per reason before the tile turns red, e.g. {"Lunch break": 3600}.',
    )
    pause_alert_default_seconds = models.PositiveIntegerField(
        default=900, help_text="Longest pause for reasons not listed above."
    )
    service_level_target_pct = models.PositiveIntegerField(default=80)
    sms_ticker = models.BooleanField(default=False, help_text="Show the latest incoming SMS.")
    # Only the hash is kept: a leaked database does not open the TV screens.
    tv_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [("act", "Can act on calls, queues and agents from a board")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"time_zone": f"unknown time zone {self.time_zone!r}"}) from None

    def issue_tv_token(self) -> str:
        """Replace the TV token (revoking the old one); the raw token is returned only here."""
        raw = secrets.token_urlsafe(24)
        self.tv_token_hash = _hash_token(raw)
        self.save(update_fields=["tv_token_hash"])
        return raw

    def revoke_tv_token(self) -> None:
        self.tv_token_hash = ""
        self.save(update_fields=["tv_token_hash"])

    def accepts_tv_token(self, raw: str) -> bool:
        if not self.tv_token_hash or not raw:
            return False
        return hmac.compare_digest(self.tv_token_hash, _hash_token(raw))


class AuditEntry(models.Model):
    """One supervisor action attempt, allowed or not, with the vendor's answer."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor = models.CharField(max_length=150, help_text="username at the time, or 'anonymous'")
    board = models.CharField(max_length=50, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    target = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict)
    ok = models.BooleanField()
    message = models.TextField(blank=True)
    vendor_response = models.TextField(blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        outcome = "ok" if self.ok else "failed"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.target} {outcome}"
