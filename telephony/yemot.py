"""Yemot HaMashiach (call2all.co.il): live queues, kick / pause / unpause, bridging, SMS log.

Reference: API_REFERENCE.md §4 (seed 001) and PUBLIC_CLIENTS.md §1. Queues are polled with
GetQueueRealTime (undocumented: see ``telephony.yemot_wire``), phones' registration with
GetSipAccountsRegisteredStatus at most every SIP_POLL_SECONDS.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from telephony.base import ActionResult, PbxClient, TelephonyError
from telephony.http import make_client
from telephony.yemot_commands import (
    bare_call_ids,
    bridging_request,
    bridging_result,
    goto,
    kick_result,
    member_of,
    pause_result,
    queue_path,
)
from telephony.yemot_http import YemotHttp
from telephony.yemot_presence import SOURCE, to_snapshot
from telephony.yemot_sms import IncomingSms, check_limit, read_sms
from telephony.yemot_wire import (
    BridgingReply,
    Quirks,
    Reading,
    lenient,
    mapping,
    read_accounts,
    read_queue,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    import httpx

    from telephony.model import Agent, Snapshot
    from telephony.yemot_http import Answer
    from telephony.yemot_wire import QueueAnswer

__all__ = ["IncomingSms", "YemotClient"]

log = logging.getLogger(__name__)

SIP_POLL_SECONDS = 30.0  # registration changes slowly; the queues are what must be live


class YemotClient(PbxClient):
    source = SOURCE

    def __init__(
        self,
        token: str,
        base_url: str,
        queues: list[str],
        http: httpx.Client | None = None,
        time_zone: str = "Asia/Jerusalem",
    ) -> None:
        """``token``: a session token, or ``system:password`` to log in with; ``queues``: the
        queue paths to watch, as GetQueueRealTime takes them (``/1``)."""
        if not queues:
            raise ValueError("no Yemot queue paths to watch")
        self._api = YemotHttp(token, http or make_client(base_url))
        self._queues = list(dict.fromkeys(queue_path(path) for path in queues))
        self._zone = ZoneInfo(time_zone)
        self._quirks = Quirks()
        self._sip: tuple[float, dict[str, bool] | None] | None = None  # (polled at, answer)

    # Reference: PUBLIC_CLIENTS.md §1a (GetQueueRealTime); API_REFERENCE.md §4.7
    def fetch_snapshot(self, now: float) -> Snapshot:
        answers = {path: self._queue(path) for path in self._queues}
        return to_snapshot(answers, self._registered(now), now, self._quirks)

    # Reference: API_REFERENCE.md §4.2 (kick)
    def kick(
        self, queue_id: str, call_ids: list[str], more_data: str | None = None
    ) -> ActionResult:
        """Remove waiting callers (``yemot:<id>`` or bare ids) from a queue, or with
        ``more_data="GOTO:/1"`` send them to extension 1. ValueError for malformed input."""
        path, sent = queue_path(queue_id), bare_call_ids(call_ids)
        body: dict[str, object] = {"queuePath": path, "action": "kick", "callIds": sent}
        if more_data is not None:
            body["moreData"] = goto(more_data)
        answer = self._api.json("QueueManagement", body, f"QueueManagement {path}")
        statuses = mapping(answer.data, "status", "QueueManagement", self._quirks)
        return kick_result(sent, statuses, answer.text, more_data)

    # Reference: API_REFERENCE.md §4.2 (pause / unpause)
    def pause(self, agent: Agent) -> ActionResult:
        """Pause the member in every queue it belongs to (Yemot pauses per queue)."""
        return self._set_paused(agent, "pause")

    # Reference: API_REFERENCE.md §4.2 (pause / unpause)
    def unpause(self, agent: Agent) -> ActionResult:
        return self._set_paused(agent, "unpause")

    # Reference: API_REFERENCE.md §4.5
    def bridge(self, number: str, path: str, calls_timeout: int = 30) -> ActionResult:
        """Yemot's click-to-call: dial ``number`` and, when answered, put it into the IVR
        extension ``path`` (a queue's path puts it in that queue). Billed per number."""
        return self.bridge_many([number], path, calls_timeout)

    # Reference: API_REFERENCE.md §4.5
    def bridge_many(
        self, numbers: Sequence[str], path: str, calls_timeout: int = 30
    ) -> ActionResult:
        """ValueError, before anything is sent, beyond the documented limits (500 numbers,
        callsTimeOut 35 s) or for a malformed number or path."""
        request = bridging_request(numbers, path, calls_timeout)
        answer = self._api.json("CallExtensionBridging", request)
        what = "CallExtensionBridging"
        reply = lenient(answer.data, BridgingReply, what, self._quirks) or BridgingReply()
        errors = mapping(answer.data, "errors", what, self._quirks)
        return bridging_result(request, reply, errors, answer.text)

    # Reference: API_REFERENCE.md §4.8
    def sms_log(self, limit: int = 10) -> list[IncomingSms]:
        """The latest ``limit`` SMS received by the system, as Yemot orders them."""
        answer = self._api.form("GetSmsIncomingLog", {"limit": check_limit(limit)})
        reading = Reading(self._api, self._quirks, "GetSmsIncomingLog")
        return read_sms(reading, answer.data, self._zone)

    def _queue(self, path: str) -> QueueAnswer:
        what = f"GetQueueRealTime {path}"
        answer = self._api.form("GetQueueRealTime", {"queuePath": path}, what)
        return read_queue(Reading(self._api, self._quirks, "GetQueueRealTime", what), answer.data)

    def _registered(self, now: float) -> dict[str, bool] | None:
        if self._sip is None or not 0 <= now - self._sip[0] < SIP_POLL_SECONDS:
            self._sip = (now, self._sip_accounts())
        return self._sip[1]

    # Reference: API_REFERENCE.md §4.7
    def _sip_accounts(self) -> dict[str, bool] | None:
        reading = Reading(self._api, self._quirks, "GetSipAccountsRegisteredStatus")
        try:
            answer = self._api.form(reading.command, {})
            return read_accounts(reading, answer.data)
        except TelephonyError as exc:
            # A badge, not the board: the queues show without it, and it is retried later.
            log.warning("%s; phones' registration unknown for now", exc.message)
            return None

    def _set_paused(self, agent: Agent, action: str) -> ActionResult:
        name, paths = member_of(agent)
        outcomes: dict[str, Answer | TelephonyError] = {}
        for path in paths:
            body = {"queuePath": path, "action": action, "agent": name}
            try:
                outcomes[path] = self._api.json("QueueManagement", body, f"QueueManagement {path}")
            except TelephonyError as exc:
                outcomes[path] = exc  # the other queues are still worth trying
        return pause_result(name, action, outcomes)
