"""The one HTTP seam: every vendor call goes through a client made here."""

from __future__ import annotations

import httpx

USER_AGENT = "wallboard/0.1 (+call-centre wallboard)"


def make_client(
    base_url: str, timeout: float = 5.0, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """A client with the project's timeout and User-Agent; tests pass a MockTransport."""
    return httpx.Client(
        base_url=base_url,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": USER_AGENT},
        transport=transport,
    )


def describe_http_error(exc: httpx.HTTPError) -> str:
    """One short line for the board and the log; never the URL (it may carry credentials)."""
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    return f"{type(exc).__name__}: {exc}".split("\n", 1)[0]
