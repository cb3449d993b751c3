"""GET /recordings/<source>/<id>/: a vendor's recording streamed through the server.

The vendor's credentials are added here, server side: the browser only ever sees this path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse

from telephony.base import TelephonyError
from wallboard.board.sources import active_sources, client_for

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

CHUNK = 64 * 1024


@login_required
@permission_required("wallboard.view_board", raise_exception=True)
def recording(request: HttpRequest, source: str, file_id: str) -> HttpResponse:
    if source not in active_sources():
        raise Http404(f"no source {source!r}")
    opener = getattr(client_for(source), "open_recording", None)
    if opener is None:
        raise Http404(f"{source} has no recordings")
    try:
        upstream = opener(file_id)
    except ValueError as exc:
        return HttpResponse(f"bad recording id: {exc}", status=400, content_type="text/plain")
    except TelephonyError as exc:
        return HttpResponse(exc.message, status=502, content_type="text/plain")
    response = StreamingHttpResponse(
        stream(upstream), content_type=upstream.headers.get("content-type", "audio/mpeg")
    )
    if "content-length" in upstream.headers:
        response["Content-Length"] = upstream.headers["content-length"]
    response["Content-Disposition"] = f'inline; filename="{source}-{file_id}"'
    response["Cache-Control"] = "private, no-store"
    return response


def stream(upstream: httpx.Response) -> Iterator[bytes]:
    try:
        yield from upstream.iter_bytes(CHUNK)
    finally:
        upstream.close()
