"""Open sockets learn at once when their board is edited or its TV token is replaced."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wallboard.board import store
from wallboard.board.messages import BOARD_CHANGED
from wallboard.models import Board


@receiver([post_save, post_delete], sender=Board)
def tell_open_boards(sender: type[Board], instance: Board, **_: Any) -> None:
    slug = instance.slug
    # Published with sync Redis: a save may happen in a thread that runs an event loop.
    transaction.on_commit(lambda: store.notify(slug, BOARD_CHANGED))
