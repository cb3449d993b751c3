"""VirtualATS (web.vats.az): extensions' presence, call history, click-to-call, hangup, recordings.

Reference: API_REFERENCE.md §3 (seed 000). Live calls arrive by the CRM webhook
(``telephony.virtualats_events``); a poll reads only presence, and ``reconcile`` keeps the calls.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import msgspec

from telephony.base import ActionResult, PbxClient
from telephony.http import make_client
from telephony.model import Snapshot, prefixed
from telephony.phones import normalise_extension, normalise_phone
from telephony.virtualats_events import merge_poll
from telephony.virtualats_history import (
    read_history,
)
from telephony.virtualats_http import VatsHttp, decode
from telephony.virtualats_presence import WireAccount, to_agent

if TYPE_CHECKING:
    from datetime import datetime

    import httpx

    from telephony.model import FinishedCall

SOURCE = "virtualats"
_VENDOR_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # ids go into URL paths: no "/" or ".."
_RECORDING_PATH = re.compile(r"/storageFile/download/(?P<id>[^/]+)/?$")


class CallIdReply(msgspec.Struct):
    value: str


class VirtualAtsClient(PbxClient):
    source = SOURCE

    def __init__(
        self,
        public_key: str,
        secret_key: str,
        base_url: str,
        time_zone: str = "Asia/Baku",
        http: httpx.Client | None = None,
    ) -> None:
        self._api = VatsHttp(public_key, secret_key, http or make_client(base_url))
        self._zone = ZoneInfo(time_zone)

    # Reference: API_REFERENCE.md §3.4
    def fetch_snapshot(self, now: float) -> Snapshot:
        response = self._api.get("account/list", "account/list")
        accounts = decode("account/list", response.content, list[WireAccount])
        agents = [to_agent(account, now) for account in accounts]
        return Snapshot(source=SOURCE, agents={agent.id: agent for agent in agents})

    def reconcile(self, previous: Snapshot | None, fetched: Snapshot) -> Snapshot:
        return merge_poll(previous, fetched)

    @staticmethod
    def recording_id(url: str) -> str | None:
        """The storageFile id in a recordConversation URL, for the board's recording links."""
        return recording_id_from_url(url)

    # Reference: API_REFERENCE.md §3.3
    def history(self, since: datetime, until: datetime) -> list[FinishedCall]:
        """Finished calls that started in [since, until] (aware datetimes), oldest first."""
        return read_history(self._api, since, until, self._zone)

    # Reference: API_REFERENCE.md §3.6
    def originate(
        self, to: str, extension: str, default_extension: str | None = None
    ) -> ActionResult:
        """Ring ``extension`` and connect it to ``to``; returns at once with the call id.

        ValueError, before anything is sent, for a malformed number or extension.
        """
        # The doc's numbers are digits without "+", international or national.
        params = {"to": normalise_phone(to).lstrip("+"), "number": normalise_extension(extension)}
        if default_extension:
            params["defaultNumber"] = normalise_extension(default_extension)
        response = self._api.get("call/originate", "call/originate", params)
        call_id = decode("call/originate", response.content, CallIdReply).value
        return ActionResult(
            ok=True,
            message=f"Calling {params['to']} from extension {params['number']}",
            vendor_response=response.text,
            call_id=prefixed(SOURCE, call_id),
        )

    # Reference: API_REFERENCE.md §3.8
    def hangup(self, call_id: str) -> ActionResult:
        """End a call, by ``virtualats:<id>`` or the bare id. The reply is undocumented: any
        2xx is success and its body is kept as it came."""
        bare = vendor_id(call_id.removeprefix(f"{SOURCE}:"), "call id")
        response = self._api.get("call/hangup", f"call/hangup/{bare}")
        return ActionResult(
            ok=True,
            message=f"Hung up call {bare}",
            vendor_response=response.text,
            call_id=prefixed(SOURCE, bare),
        )

    # Reference: API_REFERENCE.md §3.5
    def open_recording(self, file_id: str) -> httpx.Response:
        """The recording as an open, unread response, so a view can stream it: read its
        headers, iterate ``iter_bytes()`` and ``close()`` it in a ``finally`` (or wrap it in
        ``contextlib.closing``). Its Content-Type is whatever VirtualATS sends (undocumented)."""
        path = f"storageFile/download/{vendor_id(file_id, 'recording id')}"
        return self._api.stream("storageFile/download", path)


def vendor_id(raw: str, what: str) -> str:
    text = raw.strip()
    if not _VENDOR_ID.fullmatch(text):
        raise ValueError(f"{what} must be 1 to 64 letters, digits, '-' or '_', not {raw!r}")
    return text


def recording_id_from_url(url: str) -> str | None:
    """The ``{id}`` of a ``recordConversation`` URL (spaces around it allowed), else None."""
    match = _RECORDING_PATH.search(urlsplit(url.strip()).path)
    return unquote(match["id"]) if match else None
