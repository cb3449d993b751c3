"""System checks that turn a silent misconfiguration into a clear message."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register()
def redis_url_is_set(**_: Any) -> list[CheckMessage]:
    if settings.REDIS_URL:
        return []
    return [
        Warning(
            "REDIS_URL is not set, so the board, the channel layer and Celery have no Redis.",
            hint="Use `make run` (it starts an embedded Redis) or set REDIS_URL.",
            id="wallboard.W001",
        )
    ]
