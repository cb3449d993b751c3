from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wallboard.board import store

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "vendor-apis" / "fixtures.json"


@pytest.fixture(scope="session")
def vendor_fixtures() -> dict[str, Any]:
    """The vendors' own example responses (shared/vendor-apis/fixtures.json)."""
    return json.loads(FIXTURES.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def empty_redis() -> None:
    store.client().flushdb()
