from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from telephony.http import make_client
from telephony.virtualats import VirtualAtsClient
from tests.telephony.yemot_fake import FakeYemot

VATS_BASE = "https://vats.test/vats/api"
VATS_TOKEN = "1546326000000"  # 1 January 2019 07:00 UTC, in ms

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def vats(monkeypatch: pytest.MonkeyPatch) -> Callable[..., VirtualAtsClient]:
    """A VirtualATS client (public key "pub", secret "secret") answered by ``handler``, whose
    tokens are always VATS_TOKEN so the signatures sent are known in advance."""
    monkeypatch.setattr("telephony.virtualats_http.make_token", lambda: VATS_TOKEN)

    def build(handler: Handler, time_zone: str = "Asia/Baku") -> VirtualAtsClient:
        http = make_client(VATS_BASE, transport=httpx.MockTransport(handler))
        return VirtualAtsClient("pub", "secret", VATS_BASE, time_zone=time_zone, http=http)

    return build


@pytest.fixture
def fake_yemot(vendor_fixtures: dict[str, Any]) -> Callable[..., FakeYemot]:
    """``fake_yemot(Command=answer, ...)``: a Yemot answering the given commands (Login, the
    public client's GetQueueRealTime and the doc's SIP accounts by default)."""
    return functools.partial(FakeYemot, vendor_fixtures)
