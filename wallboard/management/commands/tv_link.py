from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from wallboard.models import Board


class Command(BaseCommand):
    help = "Issue a new read-only TV link for a board (the previous link stops working)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the board's slug, e.g. floor")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, slug: str, base_url: str, **options: Any) -> None:
        board = Board.objects.filter(slug=slug).first()
        if board is None:
            known = ", ".join(Board.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No board with slug {slug!r} (boards: {known}).")
        token = board.issue_tv_token()
        path = reverse("board", args=[board.slug])
        self.stdout.write(f"{base_url.rstrip('/')}{path}?token={token}")
