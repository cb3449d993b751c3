"""Run the simulator: ``python -m telephony.simulator --port 8765 --agents 20``.

VirtualATS is served too; add ``--virtualats-webhook-url URL --virtualats-crm-key KEY`` to have
its call events POSTed to a CRM webhook (the wallboard's ``/hooks/virtualats/``). So is Yemot:
``--yemot-queues N`` queues ``/1`` to ``/N``, answering ``--yemot-token`` (``system:password``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import threading
from typing import TYPE_CHECKING

from telephony.simulator import virtualats_wire, voicenter_wire, yemot_wire
from telephony.simulator.callcentre import CallCentre
from telephony.simulator.receivers import ReceiverServer
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
    _virtualats_args(parser)
    _yemot_args(parser)
    _receiver_args(parser)
    return parser.parse_args(argv)


def _virtualats_args(parser: argparse.ArgumentParser) -> None:
    vats = parser.add_argument_group("VirtualATS")
    vats.add_argument("--virtualats-extensions", type=_positive(int), default=8)
    vats.add_argument(
        "--virtualats-public-key",
        default=os.environ.get("VIRTUALATS_PUBLIC_KEY") or "sim-public",
        help="the public key requests must be signed with (default: $VIRTUALATS_PUBLIC_KEY)",
    )
    vats.add_argument(
        "--virtualats-secret-key",
        default=os.environ.get("VIRTUALATS_SECRET_KEY") or "sim-secret",
        help="the secret key requests are signed with (default: $VIRTUALATS_SECRET_KEY)",
    )
    vats.add_argument(
        "--virtualats-webhook-url", default=None, help="where to POST CRM webhook events"
    )
    vats.add_argument(
        "--virtualats-crm-key",
        default=os.environ.get("VIRTUALATS_CRM_API_KEY") or "",
        help="the apiKey carried by webhook events (default: $VIRTUALATS_CRM_API_KEY)",
    )


def _yemot_args(parser: argparse.ArgumentParser) -> None:
    yemot = parser.add_argument_group("Yemot")
    yemot.add_argument("--yemot-queues", type=_positive(int), default=2)
    yemot.add_argument("--yemot-agents", type=_positive(int), default=6)
    yemot.add_argument(
        "--yemot-token",
        default=os.environ.get("YEMOT_TOKEN") or "sim-system:sim-password",
        help="system:password (or a token) requests must carry (default: $YEMOT_TOKEN)",
    )


def _receiver_args(parser: argparse.ArgumentParser) -> None:
    receivers = parser.add_argument_group("Helpdesk and Mango receivers")
    receivers.add_argument(
        "--receivers-port", type=int, default=None, help="serve both receivers on this port"
    )
    receivers.add_argument("--helpdesk-channel-key", default="sim-channel")
    receivers.add_argument("--mango-token", default=os.environ.get("MANGO_TOKEN") or "sim-mango")
    receivers.add_argument("--mango-widget-id", default=os.environ.get("MANGO_WIDGET_ID") or "1")


def _receivers(
    args: argparse.Namespace,
) -> contextlib.AbstractContextManager[ReceiverServer | None]:
    if args.receivers_port is None:
        return contextlib.nullcontext()
    return ReceiverServer(
        channel_key=args.helpdesk_channel_key,
        mango_token=args.mango_token,
        widget_id=args.mango_widget_id,
        host=args.host,
        port=args.receivers_port,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    centre = CallCentre(agents=args.agents, queues=args.queues, seed=args.seed, speed=args.speed)
    extensions = virtualats_wire.new_centre(args.virtualats_extensions, args.seed, args.speed)
    yemot = yemot_wire.new_centre(args.yemot_agents, args.yemot_queues, args.seed, args.speed)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    with (
        SimulatorServer(
            centre,
            args.host,
            args.port,
            voicenter_code=args.voicenter_code,
            virtualats_centre=extensions,
            virtualats_public_key=args.virtualats_public_key,
            virtualats_secret_key=args.virtualats_secret_key,
            crm_webhook_url=args.virtualats_webhook_url,
            crm_api_key=args.virtualats_crm_key,
            yemot_centre=yemot,
            yemot_token=args.yemot_token,
        ) as server,
        _receivers(args) as receivers,
    ):
        voicenter_url = server.base_url + voicenter_wire.PREFIX.rstrip("/")
        vats_url = server.base_url + virtualats_wire.PREFIX.rstrip("/")
        yemot_url = server.base_url + yemot_wire.PREFIX.rstrip("/")
        # The queue paths as YEMOT_QUEUES takes them: comma-separated.
        paths = ",".join(server.yemot.paths)
        print(
            f"Simulator listening on {server.base_url} (Voicenter: {voicenter_url},"
            f" VirtualATS: {vats_url}, Yemot: {yemot_url} queues {paths})",
            flush=True,
        )
        if receivers is not None:
            print(f"Receivers listening on {receivers.base_url} (helpdesk and Mango)", flush=True)
        stopping.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
