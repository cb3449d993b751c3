"""Who is looking at a board: a TV (read-only token) or a logged-in user, or nobody."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    from wallboard.models import Board


@dataclass(frozen=True)
class Viewer:
    kind: Literal["tv", "user"]
    label: str
    can_act: bool


def viewer_for(
    board: Board, user: AbstractBaseUser | AnonymousUser, token: str | None
) -> Viewer | None:
    if token:
        # A TV token only ever opens a read-only view, whoever else is logged in.
        return Viewer("tv", f"tv:{board.slug}", False) if board.accepts_tv_token(token) else None
    if user.is_authenticated and user.has_perm("wallboard.view_board"):
        return Viewer("user", user.get_username(), user.has_perm("wallboard.act"))
    return None
