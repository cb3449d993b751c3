"""Many board sockets in one process, for bench.fanout (run as a subprocess, not by hand).

    python -m bench.fanout_clients --clients N URL [URL ...]

Opens N WebSocket clients spread round-robin over the URLs (a few handshakes at a time), waits
for each one's first message (the snapshot: it says the version the client starts from), then
prints "ready". From then on every delta is stamped on receipt: latency = receipt time minus
the server_time the publisher wrote into the delta just before publishing it (same machine,
same clock). A line "stop FIRST LAST" on stdin says which versions were published; the clients
wait (bounded) until they have them all, close, and one JSON line of results is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import uvloop
from websockets.asyncio.client import ClientConnection, connect

# The head of a delta as messages.delta_text writes it; only the head is parsed, never the body.
DELTA_HEAD = re.compile(r'\{"type":"delta","version":(\d+),"server_time":([0-9.]+)')
VERSION = re.compile(r'"version":(\d+)')
CONCURRENT_HANDSHAKES = 50
DRAIN_SECONDS = 10.0  # after the last publish, how long clients may take to get every delta


@dataclass
class Client:
    url: str
    start_version: int = -1
    versions: list[int] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    extension: str = ""
    error: str = ""
    socket: ClientConnection | None = None


async def open_client(client: Client, gate: asyncio.Semaphore) -> None:
    origin = "http://" + client.url.split("/")[2]  # the Origin check wants an allowed host
    try:
        async with gate:
            client.socket = await connect(
                client.url, origin=origin, max_size=2**24, open_timeout=60, ping_interval=None
            )  # type: ignore[arg-type]
            first = await asyncio.wait_for(client.socket.recv(), 60)
        match = VERSION.search(str(first)[:200])
        client.start_version = int(match[1]) if match else 0
        client.extension = client.socket.response.headers.get("Sec-WebSocket-Extensions", "")  # type: ignore[union-attr]
    except (OSError, TimeoutError, ValueError, Exception) as exc:  # noqa: BLE001  reported, not raised
        client.error = f"{type(exc).__name__}: {exc}"[:200]


async def listen(client: Client) -> None:
    if client.socket is None:
        return
    with contextlib.suppress(Exception):
        async for text in client.socket:
            received = time.time()
            head = DELTA_HEAD.match(str(text)[:120])
            if head:
                client.versions.append(int(head[1]))
                client.latencies_ms.append((received - float(head[2])) * 1000)


async def wait_for_all(clients: list[Client], last: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        if all(c.error or (c.versions and c.versions[-1] >= last) for c in clients):
            return
        await asyncio.sleep(0.05)


def results(clients: list[Client], first: int, last: int) -> dict[str, object]:
    lost = duplicates = 0
    lost_clients = 0
    for client in clients:
        if client.error:
            continue
        expected = set(range(max(first, client.start_version + 1), last + 1))
        missing = len(expected - set(client.versions))
        lost += missing
        lost_clients += missing > 0
        duplicates += len(client.versions) - len(set(client.versions))
    errors = [c.error for c in clients if c.error]
    return {
        "connected": sum(1 for c in clients if not c.error),
        "failed": len(errors),
        "errors": sorted(set(errors))[:5],
        "latencies_ms": [round(v, 2) for c in clients for v in c.latencies_ms],
        "delivered": sum(len(c.versions) for c in clients),
        "lost": lost,
        "lost_clients": lost_clients,
        "duplicates": duplicates,
        "extensions": dict(Counter(c.extension or "none" for c in clients if not c.error)),
    }


async def main(urls: list[str], count: int) -> None:
    clients = [Client(urls[i % len(urls)]) for i in range(count)]
    gate = asyncio.Semaphore(CONCURRENT_HANDSHAKES)
    await asyncio.gather(*(open_client(c, gate) for c in clients))
    listeners = [asyncio.create_task(listen(c)) for c in clients]
    print("ready", sum(1 for c in clients if not c.error), flush=True)  # noqa: T201
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    _, first, last = line.split()
    await wait_for_all(clients, int(last), time.monotonic() + DRAIN_SECONDS)
    await asyncio.gather(*(c.socket.close() for c in clients if c.socket), return_exceptions=True)
    for task in listeners:
        task.cancel()
    print(json.dumps(results(clients, int(first), int(last))), flush=True)  # noqa: T201


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()
    uvloop.run(main(args.urls, args.clients))
