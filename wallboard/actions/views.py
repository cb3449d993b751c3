"""POST /api/actions/<name>/: session-authenticated, CSRF-protected, permission-checked."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from telephony.base import ActionResult
from wallboard.actions.services import audit, perform
from wallboard.actions.specs import InvalidAction

MAX_BODY = 16 * 1024


@require_POST
def action(request: HttpRequest, name: str) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False, "error": "log in to act on the board"}, status=401)
    try:
        fields = parse_body(request)
    except InvalidAction as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    if not request.user.has_perm("wallboard.act"):
        denied = ActionResult(ok=False, message="permission denied: wallboard.act required")
        audit(request.user, name, fields, "", denied)
        return JsonResponse({"ok": False, "error": denied.message}, status=403)
    try:
        target, result = perform(name, fields)
    except InvalidAction as exc:
        audit(request.user, name, fields, "", ActionResult(ok=False, message=f"invalid: {exc}"))
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
    audit(request.user, name, fields, target, result)
    body = {"ok": result.ok, "message": result.message, "vendor_response": result.vendor_response}
    if result.call_id:
        body["call_id"] = result.call_id
    return JsonResponse(body, status=200 if result.ok else 502)


def parse_body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY:
        raise InvalidAction(f"request body over {MAX_BODY} bytes")
    if request.content_type == "application/json":
        try:
            # NaN and Infinity are not JSON: the audit log (a JSON column) would refuse them.
            fields = json.loads(request.body or b"{}", parse_constant=not_json)
        except ValueError as exc:
            raise InvalidAction(f"malformed JSON: {exc}") from None
        if not isinstance(fields, dict):
            raise InvalidAction("the JSON body must be an object")
        return fields
    return request.POST.dict()


def not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not a JSON value")
