"""Phone numbers and extensions typed by a supervisor, checked before they reach any vendor."""

from __future__ import annotations

import re

MIN_DIGITS, MAX_DIGITS = 3, 20
MAX_EXTENSION_DIGITS = 10
# What people type around the digits; removed without comment.
_SEPARATORS = re.compile(r"[\s\-()]")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def normalise_phone(raw: str) -> str:
    """Digits with an optional leading ``+``: ``"+994 (55) 796-74-73"`` -> ``"+994557967473"``.

    ValueError, saying what is wrong, for anything else: letters, a ``+`` inside the number,
    fewer than 3 or more than 20 digits.
    """
    compact = _SEPARATORS.sub("", raw)
    plus, digits = ("+", compact[1:]) if compact.startswith("+") else ("", compact)
    if not digits:
        raise ValueError("phone number is empty")
    if not _ASCII_DIGITS.fullmatch(digits):
        bad = next(char for char in digits if not ("0" <= char <= "9"))
        raise ValueError(
            f"phone number contains {bad!r}: only digits, spaces, dashes, parentheses "
            "and a leading + are allowed"
        )
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise ValueError(
            f"phone number has {len(digits)} digits; expected {MIN_DIGITS} to {MAX_DIGITS}"
        )
    return plus + digits


def normalise_extension(raw: str) -> str:
    """An internal number such as ``"100"``: 1 to 10 ASCII digits, surrounding spaces ignored."""
    extension = raw.strip()
    if not _ASCII_DIGITS.fullmatch(extension) or len(extension) > MAX_EXTENSION_DIGITS:
        raise ValueError(f"extension must be 1 to {MAX_EXTENSION_DIGITS} digits, not {raw!r}")
    return extension
