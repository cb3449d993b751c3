"""Run the simulator: ``python -m telephony.simulator --port 8765 --agents 20``."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from typing import TYPE_CHECKING

from telephony.simulator import voicenter_wire
from telephony.simulator.callcentre import CallCentre
from telephony.simulator.server import SimulatorServer

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


def _positive(kind: type[int] | type[float]) -> Callable[[str], int | float]:
    def parse(text: str) -> int | float:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, not {text}")
        return value

    return parse


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m telephony.simulator", description="Simulated call centre on HTTP."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--agents", type=_positive(int), default=20)
    parser.add_argument("--queues", type=_positive(int), default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--speed", type=_positive(float), default=1.0, help="simulated seconds per real second"
    )
    parser.add_argument(
        "--voicenter-code",
        default=os.environ.get("VOICENTER_CODE") or "sim-code",
        help="the organisation code Voicenter requests must carry (default: $VOICENTER_CODE)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    centre = CallCentre(agents=args.agents, queues=args.queues, seed=args.seed, speed=args.speed)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    with SimulatorServer(
        centre, args.host, args.port, voicenter_code=args.voicenter_code
    ) as server:
        voicenter_url = server.base_url + voicenter_wire.PREFIX.rstrip("/")
        print(f"Simulator listening on {server.base_url} (Voicenter: {voicenter_url})", flush=True)  # noqa: T201
        stopping.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
