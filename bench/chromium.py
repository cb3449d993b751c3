"""Real Chromium (Debian's /usr/bin/chromium, never a downloaded build) through Playwright.

Also the in-page probe the latency benchmarks use: a MutationObserver that stamps the moment
the DOM first satisfies a condition, in epoch milliseconds from the page's own high-resolution
clock (performance.timeOrigin + performance.now(), the same system clock as time.time()).
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import TYPE_CHECKING, Any

from wallboard.testing.browser import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from collections.abc import Iterator

# window.__probe.arm(selector, test, arg): the next time (or right now, if already so) the
# element matches, window.__probe.at is set to the epoch ms of that moment. Checked on every
# DOM mutation, synchronously after the change (MutationObserver microtask), before paint.
PROBE = """
window.__probe = (() => {
  const tests = {
    hasClass: (el, arg) => el.classList.contains(arg),
    lacksClass: (el, arg) => !el.classList.contains(arg),
    textIs: (el, arg) => el.textContent.trim() === arg,
  };
  const probe = { at: null, check: null };
  const now = () => performance.timeOrigin + performance.now();
  const observer = new MutationObserver(() => {
    if (probe.check && probe.check()) { probe.at = now(); probe.check = null; }
  });
  observer.observe(document.documentElement,
    { subtree: true, childList: true, attributes: true, characterData: true });
  probe.arm = (selector, test, arg) => {
    probe.at = null;
    probe.check = () => {
      const el = document.querySelector(selector);
      return el !== null && tests[test](el, arg);
    };
    if (probe.check()) { probe.at = now(); probe.check = null; }
  };
  probe.now = now;
  return probe;
})();
"""


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium; raises if Debian's Chromium is not installed."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium")
    # Playwright's sync API keeps an event loop in this thread; Django's ORM must still work.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def version(chromium: Any) -> str:
    return f"Chromium {chromium.version}"


def clock_offset_ms(page: Any) -> float:
    """Page clock minus this process's clock, as well as one round trip can tell."""
    before = time.time() * 1000
    page_now = page.evaluate("performance.timeOrigin + performance.now()")
    after = time.time() * 1000
    return page_now - (before + after) / 2


def arm(page: Any, selector: str, test: str, arg: str) -> None:
    page.evaluate("([s, t, a]) => window.__probe.arm(s, t, a)", [selector, test, arg])


def changed_at(page: Any, timeout_ms: float) -> float:
    """Wait for the armed condition; the epoch ms at which the DOM first met it."""
    page.wait_for_function("window.__probe.at !== null", timeout=timeout_ms)
    return float(page.evaluate("window.__probe.at"))
