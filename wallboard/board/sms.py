"""The SMS ticker: the latest incoming messages of sources that keep an SMS log (Yemot)."""

from __future__ import annotations

import logging
import time

from telephony.base import TelephonyError
from wallboard.board import services, sources
from wallboard.models import Board

log = logging.getLogger(__name__)

LATEST = 10


def refresh_sms(source: str, now: float | None = None) -> int | None:
    """Publish the latest messages; None when no board shows a ticker or the read failed."""
    if not Board.objects.filter(sms_ticker=True).exists():
        return None  # nobody is looking: do not call the vendor
    try:
        messages = sources.client_for(source).sms_log(limit=LATEST)
    except TelephonyError as exc:
        log.warning("%s SMS log failed: %s; the ticker keeps its last messages", source, exc)
        return None
    newest_first = sorted(messages, key=lambda m: m.received_at or 0, reverse=True)
    services.publish_extras(source, {"sms": newest_first}, time.time() if now is None else now)
    return len(newest_first)
