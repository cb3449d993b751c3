"""Hypothesis strategies for vendor answers and client input: near-misses of real shapes.

Most generated inputs are a documented example with a few parts changed, dropped or retyped (so
they reach deep into the parsers), the rest arbitrary JSON, arbitrary bytes, or a real answer cut
short. Statuses are mostly 200, sometimes anything a server or proxy may send.
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ABSENT = object()

_BASE = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    database=None,  # every run explores afresh; a failure prints its input
)
# WALLBOARD_FUZZ_SCALE=10 tries ten times as many inputs (the suite keeps to a few seconds).
SCALE = float(os.environ.get("WALLBOARD_FUZZ_SCALE", "1"))


def fuzz(max_examples: int) -> settings:
    return settings(_BASE, max_examples=max(1, int(max_examples * SCALE)))


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", " ", "0", "1", "-1", "²", "1e400", "null", "OK", "\x00", "٣"]),
    # Numbers as text in any script: "٣" and "²" are digits to str.isdigit(), not to int().
    st.text(st.characters(categories=("Nd", "No")), min_size=1, max_size=4),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def variant(value: Any) -> st.SearchStrategy[Any]:
    """Mostly ``value`` itself; else changed inside, replaced by a scalar, or absent."""
    same = st.just(value)
    choices = [same] * 6 + [mutated(value), scalars, json_values, st.just(ABSENT)]
    return st.integers(0, len(choices) - 1).flatmap(choices.__getitem__)


@functools.lru_cache(maxsize=512)
def _mutated(frozen: str) -> st.SearchStrategy[Any]:
    value = json.loads(frozen)
    if isinstance(value, dict):
        fields = st.fixed_dictionaries({key: variant(item) for key, item in value.items()})
        extra = st.dictionaries(st.text(max_size=8), json_values, max_size=2)
        return st.builds(
            lambda kept, more: {**more, **{k: v for k, v in kept.items() if v is not ABSENT}},
            fields,
            extra,
        )
    if isinstance(value, list):
        if not value:
            return st.lists(json_values, max_size=2)
        items = st.one_of(*(variant(item) for item in value[:3]))
        return st.lists(items, max_size=4).map(lambda xs: [x for x in xs if x is not ABSENT])
    return st.just(value)


def mutated(value: Any) -> st.SearchStrategy[Any]:
    """``value`` (a JSON document) with parts changed, dropped or retyped, at any depth."""
    return _mutated(json.dumps(value, sort_keys=True))


@functools.lru_cache(maxsize=64)
def _body_like(frozen: str) -> st.SearchStrategy[bytes]:
    example = json.loads(frozen)
    raw = json.dumps(example).encode()
    choices = [mutated(example).map(encode)] * 6 + [
        json_values.map(encode),
        st.binary(max_size=40),
        st.integers(0, len(raw)).map(lambda n: raw[:n]),
        st.just(raw),
    ]
    return st.integers(0, len(choices) - 1).flatmap(choices.__getitem__)


def body_like(example: Any) -> st.SearchStrategy[bytes]:
    """A response body: the example changed (mostly), any JSON, any bytes, or cut short."""
    return _body_like(json.dumps(example, sort_keys=True))


def encode(value: Any) -> bytes:
    # allow_nan: NaN and Infinity are not JSON, but real servers send them.
    return json.dumps(value, allow_nan=True).encode()


STATUSES = [200] * 12 + [201, 204, 301, 400, 401, 403, 404, 408, 429, 500, 502, 503, 504]


def responses(example: Any) -> st.SearchStrategy[httpx.Response]:
    """An HTTP answer: mostly 200, with a body like ``example``."""
    return st.builds(
        lambda status, body: httpx.Response(status, content=body),
        st.sampled_from(STATUSES),
        body_like(example),
    )


class Replies:
    """A MockTransport handler: the first reply whose key is part of the request's path, else
    ``default``. Each is a drawn response, sent as often as asked."""

    def __init__(self, by_path: dict[str, httpx.Response], default: httpx.Response) -> None:
        self.by_path = by_path
        self.default = default

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        reply = next((r for key, r in self.by_path.items() if key in path), self.default)
        return httpx.Response(reply.status_code, content=reply.content, headers=reply.headers)
