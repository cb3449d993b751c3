"""`manage.py check_vendors`: each configured vendor tried over real HTTP, with a clear verdict."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from telephony.simulator.server import SimulatorServer
from tests.reliability.conftest import set_fault, sources_for


def check_vendors(*args: str) -> tuple[str, str | None]:
    """The command's output, and its error (None when everything worked)."""
    out = io.StringIO()
    try:
        call_command("check_vendors", *args, stdout=out, no_color=True)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), None


def lines_of(output: str) -> dict[tuple[str, str], str]:
    """{(vendor, what): verdict and detail} from the command's table."""
    found = {}
    for line in output.splitlines():
        vendor, _, rest = line.partition(" ")
        verdict_and_more = rest.strip()
        for verdict in ("ok", "FAILED", "not tried", "warning"):
            if verdict_and_more.startswith(verdict):
                what, _, detail = verdict_and_more.removeprefix(verdict).strip().partition(": ")
                found[(vendor, what)] = f"{verdict}: {detail}"
    return found


def test_every_vendor_that_works_is_listed_with_what_it_showed(
    sim: SimulatorServer, settings: Any
) -> None:
    settings.VIRTUALATS_CRM_API_KEY = "set"
    output, error = check_vendors()
    assert error is None, output
    found = lines_of(output)
    live = "live state (what the board polls)"
    assert found[("voicenter", live)].startswith("ok: 20 agents, 4 queues")
    assert found[("virtualats", live)].startswith("ok: 8 agents")
    assert found[("yemot", live)].startswith("ok: ")
    assert found[("virtualats", "call history (callRecord/history)")].endswith(
        "the answer's signature checks out"
    )
    assert found[("yemot", "SMS log (GetSmsIncomingLog)")].startswith("ok: ")
    assert found[("voicenter", "SetStatusFromAPI (pause)")] == (
        "not tried: it would change an agent's status"
    )
    assert output.rstrip().endswith("3 of 3 vendors work: voicenter, virtualats, yemot.")


def test_wrong_credentials_are_named_vendor_by_vendor(sim: SimulatorServer, settings: Any) -> None:
    wrong = sources_for(sim)
    wrong["voicenter"]["code"] = "not-the-code"
    wrong["virtualats"]["secret_key"] = "not-the-secret"
    wrong["yemot"]["token"] = "sim-system:not-the-password"
    settings.WALLBOARD_SOURCES = wrong
    output, error = check_vendors()
    found = lines_of(output)
    live = "live state (what the board polls)"
    refused = "(credentials refused: fix them, retrying will not help)"
    assert found[("voicenter", live)] == (
        f"FAILED: Voicenter GetExtensionsCalls: ERR 1 Authorization failed {refused}"
    )
    assert found[("virtualats", live)] == (
        "FAILED: VirtualATS account/list: HTTP 401: check the keys and this server's clock "
        f"{refused}"
    )
    assert found[("yemot", live)].startswith("FAILED: Yemot Login: ")
    assert found[("yemot", live)].endswith(refused)
    assert ("virtualats", "call history (callRecord/history)") not in found  # not repeated
    assert found[("virtualats", "CRM webhook")].startswith("warning: VIRTUALATS_CRM_API_KEY")
    assert error == "0 of 3 vendors work. Failing: virtualats, voicenter, yemot."


def test_a_vendor_that_is_down_is_told_apart_from_one_that_refuses(
    sim: SimulatorServer, settings: Any
) -> None:
    set_fault(sim, "yemot", "status", status=503)
    output, error = check_vendors("--source", "yemot", "--source", "voicenter")
    found = lines_of(output)
    assert found[("yemot", "live state (what the board polls)")] == (
        "FAILED: Yemot Login: HTTP 503"
    )
    assert ("virtualats", "live state (what the board polls)") not in found
    assert error == "1 of 2 vendors work: voicenter. Failing: yemot."


def test_with_no_vendor_configured_it_says_how_to_configure_one(settings: Any) -> None:
    settings.WALLBOARD_SOURCES = {}
    with pytest.raises(CommandError, match="No vendor is configured: set VOICENTER_CODE"):
        call_command("check_vendors")
