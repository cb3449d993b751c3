"""Open sockets learn at once when their board is edited or its TV token is replaced."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wallboard.board.messages import BOARD_CHANGED, group_name
from wallboard.models import Board


@receiver([post_save, post_delete], sender=Board)
def tell_open_boards(sender: type[Board], instance: Board, **_: Any) -> None:
    slug = instance.slug
    transaction.on_commit(
        lambda: async_to_sync(get_channel_layer().group_send)(group_name(slug), BOARD_CHANGED)
    )
