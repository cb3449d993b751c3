from django.apps import AppConfig


class WallboardConfig(AppConfig):
    name = "wallboard"
    verbose_name = "Wallboard"

    def ready(self) -> None:
        from wallboard import checks  # noqa: F401  (registers system checks)
        from wallboard.board import signals  # noqa: F401  (tells open boards of edits)
