"""Phone numbers as E.164 (``+``, country code, number), for receivers that demand it.

PBXs report numbers three ways: national with a trunk ``0`` (Voicenter and Yemot in Israel,
``0501234567``; VirtualATS sometimes, ``0557967473``), international without the ``+``
(VirtualATS, ``994557967473``), or already ``+``/``00``-prefixed. A national number needs the
tenant's country, so it is a setting. Only the trunk prefix ``0`` is understood (Israel,
Azerbaijan and most of Europe); a country dialled nationally with ``8`` (Russia) is not.
"""

from __future__ import annotations

import re

from telephony.phones import normalise_phone

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_COUNTRY_CODE = re.compile(r"[1-9][0-9]{0,2}")
# Bare digits shorter than this are extensions or short service numbers, not international.
MIN_INTERNATIONAL_DIGITS = 10


def check_country_code(code: str) -> str:
    """A calling code such as ``"972"``; ValueError for anything else (a ``+``, letters)."""
    if not _COUNTRY_CODE.fullmatch(code):
        raise ValueError(f"country calling code must be 1 to 3 digits, not {code!r}")
    return code


def to_e164(raw: str, country_code: str) -> str | None:
    """``"+972501234567"`` for ``"050-123-4567"`` (country ``"972"``), ``"00972…"`` or
    ``"972…"``; None for what is not a full number (an extension, an anonymous caller)."""
    try:
        number = normalise_phone(raw)
    except ValueError:
        return None
    if number.startswith("+"):
        candidate = number
    elif number.startswith("00"):
        candidate = "+" + number[2:]
    elif number.startswith("0"):
        candidate = f"+{country_code}{number[1:]}"
    elif len(number) >= MIN_INTERNATIONAL_DIGITS:
        candidate = "+" + number
    else:
        return None
    return candidate if _E164.fullmatch(candidate) else None
