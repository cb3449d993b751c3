"""Signing vectors were computed independently with ``openssl dgst -sha1 -hmac <key>``."""

import pytest

from telephony.base import TelephonyError
from telephony.virtualats_auth import (
    header_value,
    sign,
    sign_bytes,
    signed_part_for,
    split_header,
    verify_response,
)

CALL_ID = "3489655c982f4e46b9c9ca975b031781"


@pytest.mark.parametrize(
    ("secret", "token", "part", "expected"),
    [
        # The doc-derived vector (API_REFERENCE.md §3.1): storageFile/download/12345.
        ("secret", "1546326000000", "12345", "5df975f70a7aaf8012d0b78269dcc8bbbc1a46e0"),
        ("sim-secret", "1700000000000", CALL_ID, "71dd16708fa4eb08822774f3ebacf4b5dcf2b98d"),
        ("sim-secret", "1700000000000", "", "54d25a0a3811c7f112e0b5cd0b9092e78dd2b97a"),
        ("ключ-şəkil", "1546326000000", "", "11fea9ae2fc218d00dd36e239c1d991567457cdb"),
    ],
)
def test_sign_matches_openssl_hmac_sha1_over_token_and_part(secret, token, part, expected):
    assert sign(secret, token, part) == expected


def test_a_body_is_signed_as_utf8_bytes():
    body = '[{"a":"Əli"}]'.encode()
    assert sign_bytes("secret", "1546326000000", body) == "419d5bb88d3963280be4cb40329e57eb9961fc58"


def test_header_value_is_public_key_token_and_lower_case_hex_sign():
    assert header_value("pub", "secret", "12345", "1546326000000") == (
        "pub:1546326000000:5df975f70a7aaf8012d0b78269dcc8bbbc1a46e0"
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("storageFile/download/12345", "12345"),
        (f"call/hangup/{CALL_ID}", CALL_ID),
        (f"/call/hangup/{CALL_ID}", CALL_ID),
        ("account/list", ""),
        ("callRecord/history", ""),
        ("call/originate", ""),
        ("call/create", ""),
    ],
)
def test_documented_requests_sign_their_id_and_the_rest_sign_the_token_alone(path, expected):
    params = {"to": "994557967473", "number": "100"} if path.startswith("call/") else None
    assert signed_part_for(path, params) == expected


def test_split_header_wants_exactly_three_parts():
    assert split_header(" pub:1:abc ") == ("pub", "1", "abc")
    for bad in ("1234567:3489655c982f4e46b9c9ca975b031781", "a:b:c:d", "a::c", ""):
        with pytest.raises(ValueError, match="publicKey:token:sign"):
            split_header(bad)


def test_a_correctly_signed_response_verifies():
    body = '[{"a":"Əli"}]'.encode()
    header = "whatever:1546326000000:419D5BB88D3963280BE4CB40329E57EB9961FC58"
    verify_response("callRecord/history", header, "secret", body)


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (None, "is missing"),
        ("", "is missing"),
        ("pub:1546326000000", "is malformed"),
        ("pub:1546326000000:5df975f70a7aaf8012d0b78269dcc8bbbc1a46e0", "does not match"),
        ("pub:1546326000001:419d5bb88d3963280be4cb40329e57eb9961fc58", "does not match"),
    ],
)
def test_a_missing_or_wrong_response_signature_is_an_error_naming_the_problem(header, problem):
    body = '[{"a":"Əli"}]'.encode()
    with pytest.raises(TelephonyError, match=f"callRecord/history: response signature {problem}"):
        verify_response("callRecord/history", header, "secret", body)


def test_a_tampered_body_does_not_verify():
    header = "pub:1546326000000:419d5bb88d3963280be4cb40329e57eb9961fc58"
    with pytest.raises(TelephonyError, match="does not match"):
        verify_response("callRecord/history", header, "secret", b'[{"a":"Ali"}]')
