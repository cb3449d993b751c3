"""The floor of what fan-out can cost: a bare `websockets` broadcast of the same messages.

    python -m bench.bare_server --port P --redis URL --channel CHANNEL --version-key KEY

No Django, no Channels, no consumer per socket: one Redis subscription to the board's channel
layer group, and each published delta's text (the very bytes Daphne would send) handed to
websockets.broadcast for every open socket. On connect a client gets a tiny "snapshot" that only
carries the board's current version, so bench.fanout_clients can count deltas the same way.
"""

from __future__ import annotations

import argparse

import msgpack
import uvloop
from redis.asyncio import Redis
from websockets.asyncio.server import ServerConnection, broadcast, serve


async def main(port: int, redis_url: str, channel: str, version_key: str) -> None:
    redis = Redis.from_url(redis_url)
    sockets: set[ServerConnection] = set()

    async def handler(socket: ServerConnection) -> None:
        sockets.add(socket)
        try:
            version = int(await redis.get(version_key) or 0)
            await socket.send(f'{{"type":"snapshot","version":{version}}}')
            await socket.wait_closed()
        finally:
            sockets.discard(socket)

    # compression=None: the same bytes on the wire as Daphne sends (it does not deflate).
    async with serve(handler, "127.0.0.1", port, compression=None, max_size=2**16):
        pubsub = redis.pubsub()
        await pubsub.subscribe(channel)
        async for message in pubsub.listen():
            if message["type"] == "message":
                broadcast(sockets, msgpack.unpackb(message["data"])["text"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--channel", required=True)
    parser.add_argument("--version-key", required=True)
    args = parser.parse_args()
    uvloop.run(main(args.port, args.redis, args.channel, args.version_key))
