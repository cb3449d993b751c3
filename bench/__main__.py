"""python -m bench [NAME ...] [--repeat N]: run benchmarks and print their figures."""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import time

from bench import BENCHMARKS
from bench.env import BASE_DIR, PYTHON, django_stack
from bench.machine import describe
from bench.report import say

CHILD = "WALLBOARD_BENCH_CHILD"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"any of {', '.join(BENCHMARKS)} (default: all)"
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="measurement runs (default: each benchmark's own)"
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if len(args.names) == 1:
        return run_here(args.names[0], args.repeat)
    return run_each(args.names or list(BENCHMARKS), args.repeat)


def run_here(name: str, repeat: int | None) -> int:
    if not os.environ.get(CHILD):  # run_each has already described the machine
        for line in describe():
            say(line)
    module = importlib.import_module(BENCHMARKS[name])
    with django_stack(**getattr(module, "SETTINGS_ENV", {})) as stack:
        passed = module.run(stack, repeat or module.REPEAT)
    return 0 if passed else 1


def run_each(names: list[str], repeat: int | None) -> int:
    """Each benchmark in a fresh process: its own Redis, settings and browser, no leftovers."""
    for line in describe():
        say(line)
    outcome: dict[str, str] = {}
    codes = []
    for name in names:
        started = time.monotonic()
        command = [PYTHON, "-m", "bench", name]
        if repeat is not None:
            command += ["--repeat", str(repeat)]
        env = {**os.environ, CHILD: "1"}
        code = subprocess.run(command, cwd=BASE_DIR, env=env, check=False).returncode
        codes.append(code)
        verdict = {0: "all targets met", 1: "some targets missed"}.get(code, f"failed ({code})")
        outcome[name] = f"{verdict}, {time.monotonic() - started:.0f} s"
    say()
    say("=== summary")
    for name, text in outcome.items():
        say(f"  {name:<12} {text}")
    return 0 if not any(codes) else 1


if __name__ == "__main__":
    sys.exit(main())
