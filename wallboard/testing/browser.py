"""How tests and benchmarks launch Chromium: Debian's build, never a downloaded one."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Background networking off: this machine's closed network refuses those connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
