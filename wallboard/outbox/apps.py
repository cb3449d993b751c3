from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "wallboard.outbox"
    label = "outbox"
    verbose_name = "Outbox"
