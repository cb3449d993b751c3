"""POST /hooks/virtualats/: the VirtualATS CRM webhook (NEW / UPDATE / HANGUP)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from telephony.virtualats_events import CrmEventError, api_key_matches, parse_crm_event
from wallboard.hooks.services import Busy, receive_crm_event

MAX_BODY = 64 * 1024


def reply(status: int, *errors: str) -> JsonResponse:
    # The shape VirtualATS expects back from a CRM: {"result": "success"|"error", "errors": [...]}.
    result = "error" if errors else "success"
    return JsonResponse({"result": result, "errors": list(errors)}, status=status)


@csrf_exempt  # a server-to-server call, authenticated by the apiKey in its body
@require_POST
def virtualats(request: HttpRequest) -> JsonResponse:
    if not settings.VIRTUALATS_CRM_API_KEY:
        return reply(503, "this board has no VIRTUALATS_CRM_API_KEY configured")
    if len(request.body) > MAX_BODY:
        return reply(413, f"body over {MAX_BODY} bytes")
    try:
        event = parse_crm_event(request.body)
    except CrmEventError as exc:
        return reply(400, str(exc))
    if not api_key_matches(event, settings.VIRTUALATS_CRM_API_KEY):
        return reply(403, "apiKey does not match")
    try:
        receive_crm_event(event)
    except Busy as exc:
        return reply(503, str(exc))
    return reply(200)
