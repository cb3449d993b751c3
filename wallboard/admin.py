from django.contrib import admin

from wallboard.models import Board


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "has_tv_token", "created_at"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(boolean=True, description="TV token")
    def has_tv_token(self, board: Board) -> bool:
        return bool(board.tv_token_hash)
