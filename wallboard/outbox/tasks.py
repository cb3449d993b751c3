from __future__ import annotations

from celery import shared_task

from wallboard.outbox import services


@shared_task(name="wallboard.deliver_outbox", ignore_result=True)
def deliver_outbox() -> str:
    return f"delivered {services.deliver_due()}"
