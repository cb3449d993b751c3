"""``manage.py check_vendors``: try each configured vendor's credentials, say what works.

Only read-only calls are made: what the board polls, plus call history (VirtualATS) and the SMS
log (Yemot). Calls that would change something (click-to-call, pause, sinks' deliveries) are
listed as not tried. Exits non-zero when anything configured fails.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string

from telephony.base import TelephonyError
from telephony.http import make_client
from telephony.registry import PBX_BACKENDS
from wallboard.board.sources import active_sources

if TYPE_CHECKING:
    from collections.abc import Callable

    from telephony.base import PbxClient

OK, FAILED, SKIPPED, WARNING = "ok", "FAILED", "not tried", "warning"
CONFIGURE_HINT = (
    "set VOICENTER_CODE; or VIRTUALATS_PUBLIC_KEY and VIRTUALATS_SECRET_KEY; "
    "or YEMOT_TOKEN and YEMOT_QUEUES"
)


@dataclass(frozen=True)
class Check:
    vendor: str
    what: str
    verdict: str
    detail: str


class Command(BaseCommand):
    help = "Try each configured vendor's credentials with read-only calls and say what works."
    requires_system_checks: list[str] = []  # needs no Redis: vendors only

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", action="append", choices=sorted(PBX_BACKENDS), help="only these vendors"
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=None,
            help="seconds per request (default: WALLBOARD_HTTP_TIMEOUT)",
        )

    def handle(self, *args: Any, source: list[str] | None, timeout: float | None, **_: Any) -> None:
        configured = active_sources()
        if not configured:
            raise CommandError(f"No vendor is configured: {CONFIGURE_HINT}.")
        wanted = [name for name in configured if not source or name in source]
        for name in source or []:
            if name not in configured:
                self.stdout.write(f"{name:<11} {SKIPPED:<9} not configured ({CONFIGURE_HINT})")
        checks = [
            check
            for name in wanted
            for check in check_vendor(name, timeout or settings.WALLBOARD_HTTP_TIMEOUT)
        ]
        checks += sink_notes()
        for check in checks:
            line = f"{check.vendor:<11} {check.verdict:<9} {check.what}: {check.detail}"
            style = {OK: self.style.SUCCESS, FAILED: self.style.ERROR}.get(
                check.verdict, self.style.WARNING
            )
            self.stdout.write(style(line))
        failing = sorted({c.vendor for c in checks if c.verdict == FAILED})
        working = [name for name in wanted if name not in failing]
        summary = f"{len(working)} of {len(wanted)} vendors work"
        summary += f": {', '.join(working)}." if working else "."
        if failing:
            raise CommandError(f"{summary} Failing: {', '.join(failing)}.")
        self.stdout.write(self.style.SUCCESS(summary))


def check_vendor(name: str, timeout: float) -> list[Check]:
    config = dict(settings.WALLBOARD_SOURCES[name])
    try:
        http = make_client(config["base_url"], timeout=timeout)
        client: PbxClient = import_string(PBX_BACKENDS[name])(**config, http=http)
    except (ValueError, TypeError, KeyError) as exc:  # a setting the client refuses
        return [Check(name, "configuration", FAILED, str(exc))]
    checks = [attempt(name, "live state (what the board polls)", lambda: live_state(client))]
    if checks[0].verdict == OK:  # the same credentials: no point repeating a refusal
        for what, probe in EXTRA_CHECKS.get(name, {}).items():
            checks.append(attempt(name, what, lambda probe=probe: probe(client)))
    checks += [Check(name, what, SKIPPED, why) for what, why in NOT_TRIED.get(name, {}).items()]
    checks += [Check(name, *note) for note in vendor_notes(name)]
    return checks


def attempt(vendor: str, what: str, probe: Callable[[], str]) -> Check:
    try:
        return Check(vendor, what, OK, probe())
    except TelephonyError as exc:
        hint = " (credentials refused: fix them, retrying will not help)" if exc.permanent else ""
        return Check(vendor, what, FAILED, exc.message + hint)
    except ValueError as exc:
        return Check(vendor, what, FAILED, str(exc))


def live_state(client: PbxClient) -> str:
    snapshot = client.fetch_snapshot(time.time())
    waiting = sum(len(queue.waiting) for queue in snapshot.queues.values())
    return (
        f"{len(snapshot.agents)} agents, {len(snapshot.queues)} queues, "
        f"{len(snapshot.calls)} live calls, {waiting} callers waiting"
    )


def virtualats_history(client: Any) -> str:
    until = datetime.now(UTC)
    calls = client.history(until - timedelta(hours=1), until)
    return f"{len(calls)} calls in the last hour; the answer's signature checks out"


def yemot_sms(client: Any) -> str:
    return f"{len(client.sms_log(limit=5))} recent messages readable"


EXTRA_CHECKS: dict[str, dict[str, Callable[[Any], str]]] = {
    "virtualats": {"call history (callRecord/history)": virtualats_history},
    "yemot": {"SMS log (GetSmsIncomingLog)": yemot_sms},
}
NOT_TRIED = {
    "voicenter": {"SetStatusFromAPI (pause)": "it would change an agent's status"},
    "virtualats": {"call/originate, call/hangup": "they would place or end a call"},
    "yemot": {"QueueManagement, CallExtensionBridging": "they would move or dial callers"},
}


def vendor_notes(name: str) -> list[tuple[str, str, str]]:
    if name == "virtualats" and not settings.VIRTUALATS_CRM_API_KEY:
        return [
            (
                "CRM webhook",
                WARNING,
                "VIRTUALATS_CRM_API_KEY is not set: /hooks/virtualats/ is closed, so live calls "
                "will not show",
            )
        ]
    return []


def sink_notes() -> list[Check]:
    return [
        Check(name, "delivery", SKIPPED, "no read-only call exists; see the outbox in the admin")
        for name in settings.WALLBOARD_SINKS
    ]
