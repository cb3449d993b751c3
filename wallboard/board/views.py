"""The board page. It carries no data: everything arrives over the socket."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation

from wallboard.actions.specs import capabilities
from wallboard.board.access import viewer_for
from wallboard.board.assets import page_version
from wallboard.board.ui_text import ui_text
from wallboard.models import Board


@login_required
def board_index(request: HttpRequest) -> HttpResponse:
    return render(request, "board/index.html", {"boards": Board.objects.all()})


def board_page(request: HttpRequest, slug: str) -> HttpResponse:
    board = get_object_or_404(Board, slug=slug)
    token = request.GET.get("token")
    viewer = viewer_for(board, request.user, token)
    if viewer is None and token:
        return HttpResponseForbidden(
            "This TV link is not valid (revoked or mistyped). Ask a supervisor for a new one.",
            content_type="text/plain",
        )
    if viewer is None:
        return redirect_to_login(request.get_full_path())
    ws_url = f"/ws/boards/{board.slug}/"
    if viewer.kind == "tv":
        ws_url += "?" + urlencode({"token": token})
    screen = screen_config(board)
    config: dict[str, Any] = {
        "ws_url": ws_url,
        "poll_seconds": settings.WALLBOARD_POLL_SECONDS,
        "board_name": board.name,
        "board_slug": board.slug,
        "code_version": page_version(screen),
        "can_act": viewer.can_act,
        **screen,
    }
    if viewer.can_act:
        config |= {
            "csrf_token": get_token(request),
            "actions_url": reverse("action", args=["x"]).removesuffix("x/"),
            "capabilities": capabilities(),
            "kick_destinations": settings.WALLBOARD_KICK_DESTINATIONS,
            "bridge_paths": settings.WALLBOARD_BRIDGE_PATHS,
        }
    with translation.override(board.language):
        return render(request, "board/board.html", {"board": board, "board_config": config})


def screen_config(board: Board) -> dict[str, Any]:
    """How the board looks and when it warns: the same for a TV and a supervisor."""
    return {
        "board_name": board.name,
        "language": board.language,
        "dir": "rtl" if translation.get_language_info(board.language)["bidi"] else "ltr",
        "time_zone": board.time_zone,
        "density": board.density,
        "sms_ticker": board.sms_ticker,
        "thresholds": {
            "wait_warn_seconds": board.wait_warn_seconds,
            "wait_alert_seconds": board.wait_alert_seconds,
            "pause_alert_seconds": board.pause_alert_seconds,
            "pause_alert_default_seconds": board.pause_alert_default_seconds,
            "service_level_target_pct": board.service_level_target_pct,
        },
        "text": ui_text(board.language),
    }
