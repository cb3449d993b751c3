"""The board socket: authenticate, join the board's group, send a snapshot, forward deltas."""

from __future__ import annotations

import asyncio
import json
import weakref
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from wallboard.board import store
from wallboard.board.access import Viewer, viewer_for
from wallboard.board.assets import page_version
from wallboard.board.messages import LAYER_EVENT_TYPE, LayerEvent, group_name
from wallboard.board.scope import Scope
from wallboard.board.sources import active_sources
from wallboard.board.views import screen_config
from wallboard.health import connections
from wallboard.models import Board

# Close codes in the 4000 range are ours: the page shows why instead of retrying blindly.
CLOSE_FORBIDDEN = 4403

_redis_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Redis] = (
    weakref.WeakKeyDictionary()
)


def redis_for_this_loop() -> Redis:
    loop = asyncio.get_running_loop()
    if loop not in _redis_by_loop:
        # Retried: after a Redis restart the pooled connections are dead, and a snapshot read
        # must reconnect rather than fail (and close the screen's socket with it).
        _redis_by_loop[loop] = Redis.from_url(
            settings.REDIS_URL,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 3),
            retry_on_error=[RedisConnectionError, RedisTimeoutError],
        )
    return _redis_by_loop[loop]


@dataclass(frozen=True)
class Admission:
    viewer: Viewer
    scope: Scope
    page: str  # the page version a client must have (see assets.page_version)


@database_sync_to_async
def authorise(slug: str, user: object, token: str | None) -> Admission | None:
    board = Board.objects.filter(slug=slug).first()
    viewer = None if board is None else viewer_for(board, user, token)  # type: ignore[arg-type]
    if viewer is None:
        return None
    return Admission(viewer, Scope.of(board), page_version(screen_config(board)))


class BoardConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.slug: str = self.scope["url_route"]["kwargs"]["slug"]
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.token = query.get("token", [None])[0]
        self.admission = await authorise(self.slug, self.scope.get("user"), self.token)
        if self.admission is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = group_name(self.slug)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        connections.opened(self)
        await self.send_snapshot()

    async def disconnect(self, code: int) -> None:
        connections.closed(self)
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            request = json.loads(text_data or "")
        except ValueError:
            request = None
        if isinstance(request, dict) and request.get("type") == "resync":
            await self.send_snapshot()
        else:
            # Actions are HTTP POSTs (CSRF, permission, audit); the socket only watches.
            await self.send(text_data=json.dumps({"type": "error", "error": "unknown request"}))

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Deltas touch no database: skip Channels' per-message close_old_connections thread hop
        # (measured: 218 → 120 µs of server CPU per delivered message, bench/fanout.py).
        if message["type"] == LAYER_EVENT_TYPE:
            await self.send(text_data=message["text"])
            return
        await super().dispatch(message)

    async def board_message(self, event: LayerEvent) -> None:
        await self.send(text_data=event["text"])

    async def board_changed(self, event: dict[str, str]) -> None:
        """The board was edited or its TV token replaced: a revoked viewer is shut out now,
        the others get what the board shows now (and reload if its settings changed)."""
        self.admission = await authorise(self.slug, self.scope.get("user"), self.token)
        if self.admission is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.send_snapshot()

    async def send_snapshot(self) -> None:
        admission = self.admission
        text = await store.read_snapshot_text(
            redis_for_this_loop(), self.slug, active_sources(), admission.scope, admission.page
        )
        await self.send(text_data=text)
