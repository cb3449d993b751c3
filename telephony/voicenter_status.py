"""Voicenter agent statuses: the onlineUserStatus codes, and setting one.

Reference: PUBLIC_CLIENTS.md §2 (SetStatusFromAPI). Voicenter has no queue pause: pausing is
setting a break status for the whole extension, unpausing is setting Login again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telephony.base import ActionResult, TelephonyError
from telephony.voicenter_api import ExtensionsResponse, active_calls, set_status

if TYPE_CHECKING:
    import httpx

    from telephony.voicenter_api import StatusReply

# onlineUserStatus as the doc lists it; accounts can define more in their management UI,
# so an unlisted code is shown as "Status <n>" rather than rejected.
LOGIN, LOGOUT, OTHER = 1, 2, 9
PAUSE_REASONS = {
    3: "Lunch break",
    5: "Administrative time",
    7: "Short break",
    OTHER: "Other",
    11: "Training",
    12: "Group meeting",
    13: "Briefing",
}


# Reference: PUBLIC_CLIENTS.md §2 (SetStatusFromAPI: Code capitalised, unlike Active Calls)
def change_status(
    http: httpx.Client, code: str, status_api_url: str, sip: str, status: int
) -> ActionResult:
    body: dict[str, str | int] = {"Code": code, "UserId": str(user_on(http, code, sip))}
    body |= {"ExtensionUser": sip, "Status": status}
    reply, text = set_status(http, status_api_url, body)
    return status_result(sip, status, reply, text)


# Reference: API_REFERENCE.md §2.2 (the documented extension filter)
def user_on(http: httpx.Client, code: str, sip: str) -> int:
    """UserId is not in the normalised Agent, and polls run in another process than actions:
    so it is asked for right before the change. Whoever is logged in to the extension now
    (hot-desking), else the user it is attributed to."""
    body = {"code": code, "extension": sip}
    found = active_calls(http, "GetExtensionsCalls", ExtensionsResponse, body)
    for extension in found.EXTENSIONS or []:
        if extension.username == sip:
            return extension.onlineUserID or extension.userID
    raise TelephonyError(f"Voicenter GetExtensionsCalls: no extension {sip}")


def status_result(sip: str, status: int, reply: StatusReply, text: str) -> ActionResult:
    if not reply.ok:
        refusal = f"{reply.StatusErroMessage} (Status {reply.Status})".strip()
        return ActionResult(ok=False, message=f"Voicenter refused: {refusal}", vendor_response=text)
    if status == LOGIN:
        return ActionResult(ok=True, message=f"{sip} is back (Login)", vendor_response=text)
    reason = PAUSE_REASONS.get(status, f"status {status}")
    return ActionResult(ok=True, message=f"Paused {sip} ({reason})", vendor_response=text)
