"""Logging: one human line per record by default, or one JSON object per line.

``WALLBOARD_LOG_FORMAT=json`` suits log collectors (Loki, ELK, CloudWatch): every record is an
object with ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, ``process``, any
``extra={...}`` fields the caller gave, and ``exc_info`` with the traceback, if any.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured

FORMATS = ("text", "json")
TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# What every LogRecord has; anything else on a record came from `extra=` and is kept.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """Django's LOGGING for the chosen format (``text`` or ``json``)."""
    log_format = (log_format or "text").strip().lower()
    if log_format not in FORMATS:
        raise ImproperlyConfigured(f"WALLBOARD_LOG_FORMAT must be text or json, got {log_format!r}")
    formatter: dict[str, Any] = (
        {"()": "wallboard.logs.JsonFormatter"} if log_format == "json" else {"format": TEXT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"httpx": {"level": "WARNING"}, "daphne": {"level": "WARNING"}},
    }
