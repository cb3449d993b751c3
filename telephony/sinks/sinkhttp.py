"""The one place a sink's HTTP failures become TelephonyErrors.

Messages are one short line naming the sink and the action; every secret the sink holds (the
helpdesk's channel URL and key, Mango's token) is cut out of them, whatever a library or a
vendor put in its own text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import msgspec

from telephony.base import TelephonyError
from telephony.http import describe_http_error

if TYPE_CHECKING:
    from collections.abc import Sequence

T = TypeVar("T")

MAX_MESSAGE = 300  # a vendor's error text is echoed, but a page of HTML is not
REDACTED = "<redacted>"
# "Not now" statuses: the same request may succeed later.
RETRYABLE_STATUSES = frozenset({408, 429})


def is_permanent(status: int) -> bool:
    """Whether a non-2xx answer will stay the same on retry.

    4xx says the request is wrong; a 3xx says the configured URL is (httpx does not follow
    redirects, and re-posting a form to a login page cannot help). 5xx, 408 and 429 may pass.
    """
    return status < 500 and status not in RETRYABLE_STATUSES


class SinkHttp:
    """An httpx client plus the label and secrets every error message is built from."""

    def __init__(self, label: str, http: httpx.Client, secrets: Sequence[str]) -> None:
        self._label = label
        self._http = http
        self._secrets = [secret for secret in secrets if secret]

    def request(self, what: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one request; transport failures (timeouts, refused connections) are temporary."""
        try:
            return self._http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise self.error(what, describe_http_error(exc)) from exc

    def decode(self, what: str, response: httpx.Response, shape: type[T]) -> T:
        """Strictly parse a 2xx body. A reply that is not the documented shape is permanent:
        the same request would get the same answer, and it may already have been applied, so
        a retry could only duplicate it."""
        try:
            return msgspec.json.decode(response.content, type=shape)
        except msgspec.DecodeError as exc:  # ValidationError included
            raise self.error(what, f"unexpected reply: {exc}", permanent=True) from exc

    def error(self, what: str, detail: str, permanent: bool = False) -> TelephonyError:
        message = f"{self._label} {what}: {detail}"
        for secret in self._secrets:
            message = message.replace(secret, REDACTED)
        return TelephonyError(" ".join(message.split())[:MAX_MESSAGE], permanent=permanent)
