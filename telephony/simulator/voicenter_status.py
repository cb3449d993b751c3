"""Voicenter's SetStatusFromAPI (api.voicenter.com), over the main centre's extensions.

Reference: PUBLIC_CLIENTS.md §2. ``Code``, ``UserId``, ``ExtensionUser`` and ``Status`` by GET
query or POST-JSON. The answer is HTTP 200 with its verdict in ``Status``: 1 success, 2 bad Code
or UserId, 3 bad extension, 4 unsupported status; ``StatusError`` is 1 unless the request itself
was malformed (6: missing parameters), so it says "1" on refusals too.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from telephony.simulator.callcentre import STATUS_NAMES

if TYPE_CHECKING:
    from collections.abc import Mapping

    from telephony.simulator.callcentre import CallCentre

PREFIX = "/voicenter-api/"
ENDPOINT = "UserLogin/SetStatusFromAPI"
FIELDS = ("Code", "UserId", "ExtensionUser", "Status")


def verdict(status: int, message: str, error: int = 1) -> dict[str, Any]:
    return {"Status": status, "StatusError": error, "StatusErroMessage": message}  # sic


def respond(
    centre: CallCentre, endpoint: str, params: Mapping[str, Any], *, code: str
) -> dict[str, Any] | None:
    """Set the extension's onlineUserStatus; None for an unknown endpoint."""
    if endpoint != ENDPOINT:
        return None
    if any(params.get(name) in (None, "") for name in FIELDS):
        return verdict(2, "Missing parameters", error=6)
    given, username = str(params["Code"]), str(params["ExtensionUser"])
    if not hmac.compare_digest(given.encode(), code.encode()):
        return verdict(2, "Authorization Failed")
    agent = centre.find_agent(username)
    if agent is None:
        return verdict(3, "No extension found")
    if str(params["UserId"]) != str(agent.user_id):
        return verdict(2, "Authorization Failed")
    status = str(params["Status"])
    if not status.isdigit() or int(status) not in STATUS_NAMES:
        return verdict(4, "Status not support")  # sic
    centre.set_agent_status(username, int(status))
    return verdict(1, "OK")
