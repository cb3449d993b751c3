"""What the receivers remember: every request as it arrived, and deliveries per call.

Recorded requests never hold a secret (channel key, token), so a failing test can print them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Hashable, Mapping

REDACTED = "<redacted>"
SECRET_QUERY = frozenset({"access_token"})


@dataclass(frozen=True, slots=True)
class Received:
    """One request: ``service`` is "helpdesk", "mango" or "" (no such path); ``status`` is what
    it was answered. ``form`` holds multipart fields in order (repeats kept, e.g.
    ``pbx_user_ids[]``); ``json`` the parsed JSON body."""

    service: str
    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]  # names in lower case
    status: int
    form: tuple[tuple[str, str], ...] = ()
    json: Any = None

    @property
    def fields(self) -> dict[str, str]:
        """The form as a dict (the last of a repeated name wins)."""
        return dict(self.form)


def redacted_headers(headers: Mapping[str, str]) -> dict[str, str]:
    # Keep the scheme so a test can still see that a Bearer token was sent.
    return {
        name: f"{value.split(' ', 1)[0]} {REDACTED}" if name == "authorization" else value
        for name, value in headers.items()
    }


def redacted_query(query: Mapping[str, str]) -> dict[str, str]:
    return {key: REDACTED if key in SECRET_QUERY else value for key, value in query.items()}


@dataclass
class Ledger:
    """Accepted deliveries per service and call, and how many of them were repeats.

    A repeat is the same ``what`` for the same call again (a second create_call for one
    pbx_call_id, a second "ended" status, a second POST for one callId): a receiver answers it
    as usual, since the real services do, but it is exactly what an outbox must never send.
    """

    _seen: dict[tuple[str, str], set[Hashable]] = field(default_factory=dict)
    _deliveries: Counter[tuple[str, str]] = field(default_factory=Counter)
    _duplicates: Counter[tuple[str, str]] = field(default_factory=Counter)

    def delivered(self, service: str, call: str, what: Hashable) -> None:
        key = (service, call)
        self._deliveries[key] += 1
        seen = self._seen.setdefault(key, set())
        if what in seen:
            self._duplicates[key] += 1
        seen.add(what)

    def deliveries(self, service: str) -> dict[str, int]:
        return {call: n for (name, call), n in self._deliveries.items() if name == service}

    def duplicates(self, service: str | None = None) -> dict[str, int]:
        """Repeats per call id, of one service or (keys "<service>:<call>") of both."""
        if service is not None:
            return {call: n for (name, call), n in self._duplicates.items() if name == service}
        return {f"{name}:{call}": n for (name, call), n in self._duplicates.items()}
