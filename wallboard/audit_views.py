"""The audit log page for supervisors: who did what, when, and what the vendor answered."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from wallboard.models import AuditEntry

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

PAGE_SIZE = 50


@login_required
@permission_required("wallboard.view_auditentry", raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    entries, filters, errors = filtered(request.GET)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "errors": errors,
        "actions": AuditEntry.objects.values_list("action", flat=True)
        .distinct()
        .order_by("action"),
        "query": request.GET.copy().urlencode() if "page" not in request.GET else "",
    }
    return render(request, "audit/log.html", context)


def filtered(params: dict[str, str]) -> tuple[QuerySet[AuditEntry], dict[str, str], list[str]]:
    entries = AuditEntry.objects.all()
    filters = {
        key: params.get(key, "").strip() for key in ("q", "action", "outcome", "since", "until")
    }
    errors: list[str] = []
    if filters["q"]:
        q = filters["q"]
        entries = entries.filter(
            Q(actor__icontains=q) | Q(target__icontains=q) | Q(message__icontains=q) | Q(board=q)
        )
    if filters["action"]:
        entries = entries.filter(action=filters["action"])
    if filters["outcome"] in ("ok", "failed"):
        entries = entries.filter(ok=filters["outcome"] == "ok")
    for key, lookup, at in (("since", "at__gte", time.min), ("until", "at__lte", time.max)):
        if filters[key]:
            try:
                day = datetime.strptime(filters[key], "%Y-%m-%d").date()
            except ValueError:
                errors.append(f"'{key}' must be a date like 2026-11-24, got {filters[key]!r}")
                continue
            entries = entries.filter(**{lookup: timezone.make_aware(datetime.combine(day, at))})
    return entries, filters, errors
