"""VirtualATS extensions' presence (account/list), and how to recover it under call state.

Reference: API_REFERENCE.md §3.4. The statuses are the phone's SIP registration, not call
states: live calls come from the CRM webhook and are laid over presence by virtualats_events.
"""

from __future__ import annotations

import logging
import re

import msgspec

from telephony.model import Agent, AgentState, prefixed

log = logging.getLogger(__name__)

SOURCE = "virtualats"
# status -> (state, registered, state_reason). Each state is tied to one `registered` value,
# which calls never change: that is how presence_state() finds it again after a call.
PRESENCE: dict[str, tuple[AgentState, bool | None, str]] = {
    "ONLINE": ("available", True, ""),
    "OFFLINE": ("offline", False, ""),
    "DISCONNECTED": ("offline", False, "Disconnected"),
    "UNMONITORED": ("unknown", None, "Not monitored"),
}
_CALLER_ID = re.compile(r"(?P<name>.*?)\s*<[^>]*>\s*")  # "Mamed <100>"; \s covers U+00A0


class WireAccount(msgspec.Struct):
    number: str
    callerId: str
    status: str


def to_agent(account: WireAccount, now: float) -> Agent:
    presence = PRESENCE.get(account.status)
    if presence is None:
        log.warning("VirtualATS extension %s has unknown status %r", account.number, account.status)
        presence = ("unknown", None, account.status)
    state, registered, reason = presence
    return Agent(
        id=prefixed(SOURCE, account.number),
        source=SOURCE,
        extension=account.number,
        name=display_name(account.callerId, account.number),
        state=state,
        state_reason=reason,
        state_since=now,  # first seen in this state; merge_poll keeps the earlier time
        registered=registered,
    )


def display_name(caller_id: str, number: str) -> str:
    """``"Əli\\u00a0 <101>"`` -> ``"Əli"``: the doc's examples carry no-break spaces."""
    match = _CALLER_ID.fullmatch(caller_id)
    name = (match["name"] if match else caller_id).strip()  # str.strip() includes U+00A0
    return name or number


def presence_state(agent: Agent) -> AgentState:
    """What account/list last said, whatever calls the agent has now (the inverse of PRESENCE)."""
    if agent.registered is None:
        return "unknown"
    return "available" if agent.registered else "offline"
