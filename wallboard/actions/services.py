"""Carry out one action for one user and write it to the audit log, whatever happens."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telephony.base import ActionResult, TelephonyError
from wallboard.actions.specs import ACTIONS, InvalidAction
from wallboard.board import sources
from wallboard.models import AuditEntry

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

log = logging.getLogger(__name__)


def perform(name: str, fields: Mapping[str, Any]) -> tuple[str, ActionResult]:
    """Validate and send to the vendor; returns (target, result). Raises InvalidAction."""
    spec = ACTIONS.get(name)
    if spec is None:
        raise InvalidAction(f"unknown action {name!r}; known: {', '.join(sorted(ACTIONS))}")
    source, target, kwargs = spec.parse(fields)
    method = getattr(sources.client_for(source), spec.method, None)
    if method is None:
        raise InvalidAction(f"{source} does not support '{name}'")
    try:
        return target, method(**kwargs)
    except ValueError as exc:  # the client refused the input before sending anything
        raise InvalidAction(str(exc)) from None
    except TelephonyError as exc:
        log.warning("%s %s on %s failed: %s", name, target, source, exc.message)
        return target, ActionResult(ok=False, message=exc.message)


def audit(
    user: AbstractBaseUser | AnonymousUser,
    name: str,
    fields: Mapping[str, Any],
    target: str,
    result: ActionResult,
) -> AuditEntry:
    return AuditEntry.objects.create(
        user=user if user.is_authenticated else None,
        actor=user.get_username() if user.is_authenticated else "anonymous",
        board=str(fields.get("board", ""))[:50],
        action=name[:40],
        target=target[:200],
        params={k: v for k, v in fields.items() if k != "board"},
        ok=result.ok,
        message=result.message,
        vendor_response=result.vendor_response,
    )
