"""pytest plugin: every test run gets its own embedded Redis, never the one in REDIS_URL.

It must run before pytest-django loads the settings, which read REDIS_URL at import.
"""

from __future__ import annotations

import os

import pytest

from wallboard.embedded_redis import EmbeddedRedis, start

_server: EmbeddedRedis | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    global _server
    # A developer's REDIS_URL may point at a live board; tests flush what they use.
    explicit = os.environ.get("WALLBOARD_TEST_REDIS_URL")
    if explicit:
        os.environ["REDIS_URL"] = explicit
        return
    _server = start()
    os.environ["REDIS_URL"] = _server.url


def pytest_unconfigure(config: pytest.Config) -> None:
    if _server is not None:
        _server.stop()
