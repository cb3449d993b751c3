import re

import pytest

from telephony.phones import normalise_extension, normalise_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("994557967473", "994557967473"),
        ("+994 (55) 796-74-73", "+994557967473"),
        (" 012 488 66 06 ", "0124886606"),
        ("100", "100"),
        ("+" + "1" * 20, "+" + "1" * 20),
    ],
)
def test_separators_are_removed_and_a_leading_plus_kept(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "phone number is empty"),
        (" + ", "phone number is empty"),
        ("99455abc", "phone number contains 'a'"),
        ("994+55", "phone number contains '+'"),
        ("٩٩٤٥٥٧٩٦٧٤٧٣", "phone number contains '٩'"),  # Arabic-Indic digits are not ASCII
        ("12", "phone number has 2 digits; expected 3 to 20"),
        ("1" * 21, "phone number has 21 digits; expected 3 to 20"),
    ],
)
def test_bad_numbers_say_what_is_wrong(raw, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        normalise_phone(raw)


def test_extensions_are_digits_only():
    assert normalise_extension(" 100 ") == "100"
    for bad in ("", "10a", "+100", "1" * 11, "../1"):
        with pytest.raises(ValueError, match="extension must be 1 to 10 digits"):
            normalise_extension(bad)
