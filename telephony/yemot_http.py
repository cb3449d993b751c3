"""Yemot's session and its answers: the one place they become TelephonyError.

Reference: API_REFERENCE.md §4.0 (``responseStatus``), PUBLIC_CLIENTS.md §1c (Login, the
``system:password`` token form, ERROR / FORBIDDEN / EXCEPTION with ``message``).

``token`` is either a ready session token or ``system:password``. Credentials are exchanged for a
session token by Login (once, and again when Yemot says the session ended), rather than sent as
the token of every request: the password then crosses the wire once per session, and an expired
session can be renewed without anyone's help. Every command is POSTed with the token in the body
(a form, or JSON where Yemot wants JSON), never in the URL: httpx logs URLs at INFO, and so do
proxies. Messages name the command, never the URL, the token or the password.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import msgspec

from telephony.base import TelephonyError
from telephony.http import describe_http_error

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

T = TypeVar("T")

# Yemot answers HTTP 200 with a status in the body; these HTTP codes mean "not with these settings".
PERMANENT_HTTP = frozenset({401, 403})
# How Yemot words a dead session (PUBLIC_CLIENTS.md §1c; a public client's classifier).
_DEAD_SESSION = re.compile(
    r"(token|session).*(invalid|not valid|expire|incorrect|not found|wrong)"
    r"|not logged in|no session",
    re.IGNORECASE,
)
MAX_MESSAGE = 200


class Answer(msgspec.Struct, frozen=True):
    """A decoded answer (an object with a ``responseStatus``), and its body as sent."""

    data: dict[str, Any]
    text: str


class LoginReply(msgspec.Struct):
    token: str


class YemotHttp:
    def __init__(self, token: str, http: httpx.Client) -> None:
        if not token.strip():
            raise ValueError("the Yemot token is empty")
        system, colon, password = token.partition(":")
        self._credentials = (system, password) if colon else None
        self._session: str | None = None if colon else token
        self._secrets = tuple(secret for secret in (token, password) if secret)
        self._http = http

    def form(self, command: str, fields: Mapping[str, str], what: str = "") -> Answer:
        """POST ``command`` as a form; ``what`` names it in errors (default: the command)."""
        return self._command(
            command, what or command, lambda token: {"data": {"token": token, **fields}}
        )

    def json(self, command: str, body: Mapping[str, Any], what: str = "") -> Answer:
        """POST ``command`` with a JSON body, the token first: QueueManagement takes only this."""
        return self._command(
            command, what or command, lambda token: {"json": {"token": token, **body}}
        )

    def error(self, what: str, detail: str, permanent: bool = False) -> TelephonyError:
        """One short line naming the command; any secret the vendor echoed is masked."""
        line = detail.strip().split("\n", 1)[0][:MAX_MESSAGE]
        for secret in (*self._secrets, self._session or ""):
            if secret:
                line = line.replace(secret, "***")
        return TelephonyError(f"Yemot {what}: {line}", permanent=permanent)

    def decode(self, what: str, data: object, shape: type[T]) -> T:
        """``data`` as ``shape``, strictly: for answers with nothing to be lenient about."""
        try:
            return msgspec.convert(data, shape)
        except msgspec.ValidationError as exc:
            raise self.error(what, f"unexpected response: {exc}") from exc

    def _command(self, command: str, what: str, content: Callable[[str], dict[str, Any]]) -> Answer:
        answer = self._post(command, what, content(self._token()))
        if self._credentials is not None and session_ended(answer.data):
            log.info("Yemot %s: the session has ended; logging in again", what)
            self._session = None
            answer = self._post(command, what, content(self._token()))
        return self._checked(what, answer)

    def _token(self) -> str:
        if self._session is None:
            self._session = self._log_in()
        return self._session

    # Reference: PUBLIC_CLIENTS.md §1c. Login?username=&password= -> {"token": ...}; POSTed as
    # a form, as one public client does, so the password never appears in a URL.
    def _log_in(self) -> str:
        assert self._credentials is not None, "only credentials can log in"
        system, password = self._credentials
        fields = {"username": system, "password": password}
        # A refused Login is a wrong system number or password: polling again cannot fix it.
        answer = self._checked(
            "Login", self._post("Login", "Login", {"data": fields}), permanent=True
        )
        return self.decode("Login", answer.data, LoginReply).token

    def _post(self, command: str, what: str, content: dict[str, Any]) -> Answer:
        try:
            response = self._http.post(f"/{command}", **content)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            permanent = (
                isinstance(exc, httpx.HTTPStatusError)
                and exc.response.status_code in PERMANENT_HTTP
            )
            raise self.error(what, describe_http_error(exc), permanent) from exc
        try:
            data = msgspec.json.decode(response.content)
        except msgspec.DecodeError as exc:
            raise self.error(what, f"malformed JSON: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("responseStatus"), str):
            raise self.error(what, "unexpected response: no responseStatus")
        return Answer(data, response.text)

    def _checked(self, what: str, answer: Answer, permanent: bool = False) -> Answer:
        status = answer.data["responseStatus"]
        if status.upper() == "OK":
            return answer
        message = answer.data.get("message")
        detail = f"{status} {message}" if isinstance(message, str) and message else status
        # A dead session here outlived a re-login, or the token is a ready one: neither renews.
        raise self.error(what, detail, permanent or session_ended(answer.data))


def session_ended(data: Mapping[str, Any]) -> bool:
    """FORBIDDEN, or an error worded as a dead token or session."""
    status = str(data.get("responseStatus", "")).upper()
    if status == "OK":
        return False
    message = data.get("message")
    return status == "FORBIDDEN" or (
        isinstance(message, str) and bool(_DEAD_SESSION.search(message))
    )
