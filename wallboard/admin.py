from django.contrib import admin
from django.http import HttpRequest

from wallboard.models import AuditEntry, Board


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "has_tv_token", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug"]}),
        (
            "What this board shows (empty lists: everything)",
            {"fields": ["sources", "queue_ids", "agent_ids"]},
        ),
    ]

    @admin.display(boolean=True, description="TV token")
    def has_tv_token(self, board: Board) -> bool:
        return bool(board.tv_token_hash)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "board", "action", "target", "ok", "message"]
    list_filter = ["ok", "action", "board"]
    search_fields = ["actor", "target", "message", "vendor_response"]
    date_hierarchy = "at"

    # The audit log is evidence: nobody edits or deletes it from the admin.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
