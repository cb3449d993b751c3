"""Builds the configured vendor clients; one per process, so connections are kept alive."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

from telephony.http import make_client
from telephony.registry import PBX_BACKENDS

if TYPE_CHECKING:
    from telephony.base import PbxClient


def active_sources() -> list[str]:
    return [name for name in PBX_BACKENDS if name in settings.WALLBOARD_SOURCES]


@cache
def client_for(name: str) -> PbxClient:
    config = dict(settings.WALLBOARD_SOURCES[name])
    http = make_client(config["base_url"], timeout=settings.WALLBOARD_HTTP_TIMEOUT)
    return import_string(PBX_BACKENDS[name])(**config, http=http)
