"""What every PBX integration is: a client that turns one poll into a normalised Snapshot."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from telephony.model import CallEvent, Snapshot


class TelephonyError(Exception):
    """A vendor call failed. `permanent` means retrying with the same settings cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class PbxClient(ABC):
    """One vendor account. `fetch_snapshot` raises TelephonyError, never anything else."""

    source: str

    @abstractmethod
    def fetch_snapshot(self, now: float) -> Snapshot:
        """Poll the vendor once and return its live state, normalised."""

    def reconcile(self, previous: Snapshot | None, fetched: Snapshot) -> Snapshot:
        """Combine a fresh poll with what the source kept (e.g. calls known from webhooks)."""
        return fetched


class ActionResult(msgspec.Struct, kw_only=True):
    """What a vendor said to a command: shown to the supervisor and kept in the audit log."""

    ok: bool
    message: str
    vendor_response: str = ""
    call_id: str | None = None


class SinkReceipt(msgspec.Struct, kw_only=True):
    """What a sink's receiver answered: kept with the delivered event."""

    response: str
    remote_id: str | None = None  # the receiver's own id for the call, when it gives one


class Sink(ABC):
    """A receiver of call lifecycle events. `deliver` raises TelephonyError, with permanent=True
    for answers that retrying cannot fix (4xx other than 408/429)."""

    name: str
    kinds: frozenset[str]  # the CallEvent kinds this sink wants

    @abstractmethod
    def deliver(self, event: CallEvent, remote_id: str | None) -> SinkReceipt:
        """Send one event. `remote_id` is what an earlier delivery for this call returned."""
