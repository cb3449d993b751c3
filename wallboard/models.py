"""Boards: what a screen shows, and the read-only token a TV opens it with."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
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
    # Only the hash is kept: a leaked database does not open the TV screens.
    tv_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [("act", "Can act on calls, queues and agents from a board")]

    def __str__(self) -> str:
        return self.name

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
