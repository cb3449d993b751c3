import pytest

from telephony.sinks.e164 import check_country_code, to_e164


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("0501234567", "972", "+972501234567"),  # Israeli mobile, national (Voicenter)
        ("0722776772", "972", "+972722776772"),  # the Voicenter doc's DID
        ("0557967473", "994", "+994557967473"),  # Azerbaijani mobile, national (VirtualATS)
        ("994557967473", "972", "+994557967473"),  # international without "+" (VirtualATS)
        ("+7 (495) 878-45-56", "972", "+74958784556"),
        ("00972501234567", "994", "+972501234567"),
    ],
)
def test_numbers_become_e164(raw, country, expected):
    assert to_e164(raw, country) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "101", "1234567", "anonymous", "+0501234567", "+1234567890123456", "0"],
)
def test_what_is_not_a_full_number_is_none(raw):
    assert to_e164(raw, "972") is None


@pytest.mark.parametrize("code", ["", "+972", "0972", "9720", "il"])
def test_a_country_code_is_one_to_three_digits_without_a_plus(code):
    with pytest.raises(ValueError, match="1 to 3 digits"):
        check_country_code(code)
