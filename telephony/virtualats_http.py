"""Signed GETs to VirtualATS: the one place its failures become TelephonyError.

Messages name the endpoint, never the URL, the signature or the keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

import httpx
import msgspec

from telephony.base import TelephonyError
from telephony.http import describe_http_error
from telephony.virtualats_auth import HEADER, header_value, make_token, signed_part_for
from telephony.virtualats_auth import verify_response as verify

if TYPE_CHECKING:
    from collections.abc import Mapping

T = TypeVar("T")

# A wrong key or a revoked account: retrying with the same settings cannot help.
PERMANENT_STATUSES = frozenset({401, 403})


class VatsHttp:
    def __init__(self, public_key: str, secret_key: str, http: httpx.Client) -> None:
        self._public_key = public_key
        self._secret_key = secret_key
        self._http = http

    def get(self, what: str, path: str, params: Mapping[str, str] | None = None) -> httpx.Response:
        """GET ``path`` (relative to the base URL) and fail on any non-2xx; ``what`` names it."""
        try:
            response = self._http.get(path, params=params, headers=self._auth(path, params))
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise failure(what, exc) from exc
        return response

    def get_verified(self, what: str, path: str, params: Mapping[str, str]) -> bytes:
        """GET a response VirtualATS signs (§3.3); its body, only if the signature holds."""
        response = self.get(what, path, params)
        verify(what, response.headers.get(HEADER), self._secret_key, response.content)
        return response.content

    def stream(self, what: str, path: str) -> httpx.Response:
        """An open, unread response: the caller iterates it and must close it."""
        request = self._http.build_request("GET", path, headers=self._auth(path, None))
        try:
            response = self._http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise failure(what, exc) from exc
        if response.is_error:
            response.close()
            raise rejected(what, response.status_code)
        return response

    def _auth(self, path: str, params: Mapping[str, str] | None) -> dict[str, str]:
        part = signed_part_for(path, params)
        return {HEADER: header_value(self._public_key, self._secret_key, part, make_token())}


def failure(what: str, exc: httpx.HTTPError) -> TelephonyError:
    if isinstance(exc, httpx.HTTPStatusError):
        return rejected(what, exc.response.status_code)
    return TelephonyError(f"VirtualATS {what}: {describe_http_error(exc)}")


def rejected(what: str, status: int) -> TelephonyError:
    if status in PERMANENT_STATUSES:
        # The signature covers a millisecond token: a skewed clock fails like a wrong key.
        hint = "check the keys and this server's clock"
        return TelephonyError(f"VirtualATS {what}: HTTP {status}: {hint}", permanent=True)
    return TelephonyError(f"VirtualATS {what}: HTTP {status}")


def decode(what: str, body: bytes, shape: type[T]) -> T:
    try:
        return msgspec.json.decode(body, type=shape)
    except msgspec.ValidationError as exc:
        raise TelephonyError(f"VirtualATS {what}: unexpected response: {exc}") from exc
    except msgspec.DecodeError as exc:
        raise TelephonyError(f"VirtualATS {what}: malformed JSON: {exc}") from exc
