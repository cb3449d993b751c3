"""A fingerprint of the board's own JS/CSS/template, so TVs left open for weeks reload
themselves after a deploy (the page compares it with the one in each snapshot)."""

from __future__ import annotations

import hashlib
from functools import cache

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
