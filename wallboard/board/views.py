"""The board page. It carries no data: everything arrives over the socket."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, render

from wallboard.board.access import viewer_for
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
    config = {
        "ws_url": ws_url,
        "poll_seconds": settings.WALLBOARD_POLL_SECONDS,
        "board_name": board.name,
    }
    return render(request, "board/board.html", {"board": board, "board_config": config})
