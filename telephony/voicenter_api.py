"""Voicenter's wire: the answers as strict structs, and the one place its failures become
TelephonyError. Messages name the method, never the URL or the organisation code.

References: API_REFERENCE.md §2 (Active Calls, monapisec.voicenter.co.il/comet/API) and
PUBLIC_CLIENTS.md §2 (SetStatusFromAPI on api.voicenter.com).
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
import msgspec

from telephony.base import TelephonyError
from telephony.http import describe_http_error

SET_STATUS_PATH = "/UserLogin/SetStatusFromAPI"


class WireCall(msgspec.Struct):
    ivrid: str
    callStarted: int
    callAnswered: int
    callerphone: str
    callstatus: int | str
    direction: str
    callername: str = ""
    did: str = ""
    # Typed "array" in the doc, an object in its example: take either, read leniently.
    recording: dict[str, Any] | list[Any] | None = None


class WireExtension(msgspec.Struct):
    username: str
    name: str
    onlineUserStatus: int
    calls: list[WireCall]  # the doc says "integer"; it is an array
    representative: str = ""
    userID: int = 0  # the user attributed to the extension
    onlineUserID: int = 0  # who is logged in to it now (hot-desking); 0 for nobody


class WireCaller(msgspec.Struct):
    CallID: str
    Phone: str
    JoinTime: int


class WireQueue(msgspec.Struct):
    ID: int
    Name: str
    Callers: list[WireCaller]
    Weight: int = 0


class ExtensionsResponse(msgspec.Struct):
    ERR: int
    DESC: str = ""
    EXTENSIONS: list[WireExtension] | None = None


class QueuesResponse(msgspec.Struct):
    ERR: int
    DESC: str = ""
    QUEUES: list[WireQueue] | None = None


class StatusReply(msgspec.Struct):
    """SetStatusFromAPI's answer. Success is Status 1 *and* StatusError 1: despite its name,
    StatusError 1 means success (0 format error, 4 internal error, 6 missing parameters), and
    Status 2/3/4 (bad code or user, bad extension, unsupported status) can come with it."""

    Status: int
    StatusError: int
    StatusErroMessage: str = ""  # sic: the API's spelling

    @property
    def ok(self) -> bool:
        return self.Status == 1 and self.StatusError == 1


T = TypeVar("T")
A = TypeVar("A", ExtensionsResponse, QueuesResponse)


def active_calls(http: httpx.Client, method: str, shape: type[A], body: dict[str, str]) -> A:
    """POST-JSON to an Active Calls method; a non-zero ERR is an error."""
    # POST-JSON rather than GET keeps the organisation code out of URLs and access logs.
    result = decode(method, post(http, method, f"/{method}", body), shape)
    if result.ERR != 0:
        # ERR 1 comes with "Authorization failed": a wrong code will not fix itself.
        raise TelephonyError(
            f"Voicenter {method}: ERR {result.ERR} {result.DESC}".rstrip(),
            permanent=result.ERR == 1,
        )
    return result


# Reference: PUBLIC_CLIENTS.md §2 (SetStatusFromAPI; Code capitalised, unlike Active Calls)
def set_status(
    http: httpx.Client, status_api_url: str, body: dict[str, str | int]
) -> tuple[StatusReply, str]:
    """The reply, and its body as sent (for the audit log); the verdict is the caller's."""
    url = status_api_url.rstrip("/") + SET_STATUS_PATH
    response = post(http, "SetStatusFromAPI", url, body)
    return decode("SetStatusFromAPI", response, StatusReply), response.text


def post(http: httpx.Client, method: str, url: str, body: dict[str, Any]) -> httpx.Response:
    try:
        response = http.post(url, json=body)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise TelephonyError(f"Voicenter {method}: {describe_http_error(exc)}") from exc
    return response


def decode(method: str, response: httpx.Response, shape: type[T]) -> T:
    try:
        return msgspec.json.decode(response.content, type=shape)
    except msgspec.ValidationError as exc:
        raise TelephonyError(f"Voicenter {method}: unexpected response: {exc}") from exc
    except msgspec.DecodeError as exc:
        raise TelephonyError(f"Voicenter {method}: malformed JSON: {exc}") from exc
