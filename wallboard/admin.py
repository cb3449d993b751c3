from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

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

    actions = ["issue_tv_link", "revoke_tv_link"]

    @admin.action(description="Issue a new TV link (replaces the old one; shown once)")
    def issue_tv_link(self, request: HttpRequest, queryset: QuerySet[Board]) -> None:
        for board in queryset:
            token = board.issue_tv_token()
            url = request.build_absolute_uri(reverse("board", args=[board.slug]))
            # The raw token exists only in this message: the database keeps its hash.
            self.message_user(
                request, f"{board.name}: {url}?token={token} (copy it now)", messages.WARNING
            )

    @admin.action(description="Revoke the TV link (open TV screens close at once)")
    def revoke_tv_link(self, request: HttpRequest, queryset: QuerySet[Board]) -> None:
        for board in queryset:
            board.revoke_tv_token()
        self.message_user(request, f"Revoked {queryset.count()} TV link(s).", messages.SUCCESS)

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
