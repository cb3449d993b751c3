from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages

from wallboard.outbox.models import OutboxEvent
from wallboard.outbox.services import retry_parked

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "sink", "kind", "call_id", "status", "attempts", "last_error"]
    list_filter = ["status", "sink", "kind"]
    search_fields = ["call_id", "key", "last_error"]
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Retry now (parked events)")
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxEvent]) -> None:
        count = retry_parked(list(queryset.values_list("id", flat=True)))
        self.message_user(request, f"{count} parked event(s) queued again.", messages.SUCCESS)
