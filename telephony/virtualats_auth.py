"""VirtualATS request signing: the ``vats-authentication: publicKey:token:sign`` header.

Reference: API_REFERENCE.md §3.1. ``sign`` is commons-codec ``HmacUtils.hmacSha1Hex(secretKey,
token + part)``: HMAC-SHA1 over UTF-8 text, as lower-case hex; ``token`` is Unix time in ms.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from typing import TYPE_CHECKING

from telephony.base import TelephonyError

if TYPE_CHECKING:
    from collections.abc import Mapping

HEADER = "vats-authentication"

# The two requests whose signed part the doc names: the id at the end of the path.
_SIGNED_BY_ID = re.compile(r"/?(?:storageFile/download|call/hangup)/(?P<id>[^/]+)")


def make_token() -> str:
    """Milliseconds since the epoch, as a string; a fresh one for every request."""
    return str(int(time.time() * 1000))


def sign(secret_key: str, token: str, signed_part: str) -> str:
    return sign_bytes(secret_key, token, signed_part.encode())


def sign_bytes(secret_key: str, token: str, signed_part: bytes) -> str:
    """As ``sign``, over raw bytes: a response body is signed exactly as it was sent."""
    message = token.encode() + signed_part
    return hmac.new(secret_key.encode(), message, hashlib.sha1).hexdigest()


def header_value(public_key: str, secret_key: str, signed_part: str, token: str) -> str:
    return f"{public_key}:{token}:{sign(secret_key, token, signed_part)}"


def signed_part_for(path: str, params: Mapping[str, str] | None = None) -> str:
    """What a request signs after the token: the one place to correct if VirtualATS disagrees.

    Documented (§3.5, §3.8): ``storageFile/download/{id}`` signs ``id`` and
    ``call/hangup/{callId}`` signs ``callId``.

    INFERENCE for everything else (account/list, the callRecord/history request, call/originate,
    call/create; §7 item 9): the empty string, i.e. the token alone. The doc's pattern is "token +
    the request's identifying input", and account/list has no input at all, so an empty part is
    the only reading that fits it; for the commands, signing the parameters would need a
    canonical order and encoding the doc never gives, and any guess there is as likely wrong as
    the empty string while being harder to change. ``params`` is accepted so that a corrected
    rule (e.g. the raw query string) lands here without touching any caller.
    """
    match = _SIGNED_BY_ID.fullmatch(path)
    return match["id"] if match else ""


def split_header(value: str) -> tuple[str, str, str]:
    """``publicKey:token:sign``; ValueError when it does not have the three parts."""
    parts = value.strip().split(":")
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"{HEADER} must be publicKey:token:sign")
    public_key, token, signature = parts
    return public_key, token, signature


def verify_response(what: str, header: str | None, secret_key: str, body: bytes) -> None:
    """Check a signed response (callRecord/history): sign == HMAC(secret, token + raw body).

    Raises TelephonyError naming the problem; the caller must then keep nothing from the body.
    """
    if not header:
        raise TelephonyError(f"VirtualATS {what}: response signature is missing")
    try:
        _, token, signature = split_header(header)
    except ValueError:
        raise TelephonyError(f"VirtualATS {what}: response signature is malformed") from None
    expected = sign_bytes(secret_key, token, body)
    if not hmac.compare_digest(expected, signature.lower()):
        raise TelephonyError(f"VirtualATS {what}: response signature does not match")
