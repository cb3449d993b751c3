"""wallboard.asgi:application with one recommended change applied, for bench.fanout's what-if.

Channels' AsyncConsumer.dispatch awaits aclose_old_connections() before EVERY handler: a
sync_to_async hop to the one thread-sensitive executor thread, per message per socket. A delta
forwarded to a board touches no database, so this version hands board messages straight to the
socket. The change proposed for wallboard/board/consumers.py is exactly this override.
"""

from __future__ import annotations

from typing import Any

from wallboard.asgi import application
from wallboard.board.consumers import BoardConsumer
from wallboard.board.messages import LAYER_EVENT_TYPE

__all__ = ["application"]

_channels_dispatch = BoardConsumer.dispatch


async def dispatch(self: BoardConsumer, message: dict[str, Any]) -> None:
    if message["type"] == LAYER_EVENT_TYPE:
        await self.send(text_data=message["text"])
        return
    await _channels_dispatch(self, message)


BoardConsumer.dispatch = dispatch  # type: ignore[method-assign]
