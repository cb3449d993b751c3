"""Fingerprints that make TVs left open for weeks reload themselves: after a deploy (the board's
own JS/CSS/template changed) or after a supervisor edits the board (its screen settings)."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from django.conf import settings

ASSET_GLOBS = ("static/board/*", "templates/board/*")


@cache
def code_version() -> str:
    digest = hashlib.sha256()
    for pattern in ASSET_GLOBS:
        for path in sorted(settings.BASE_DIR.glob(pattern)):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def page_version(screen_config: dict[str, Any]) -> str:
    """What the page must match; the page compares it with the one in each snapshot."""
    settings_hash = hashlib.sha256(json.dumps(screen_config, sort_keys=True).encode())
    return f"{code_version()}-{settings_hash.hexdigest()[:8]}"
