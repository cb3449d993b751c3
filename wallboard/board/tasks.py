"""Celery tasks are an interface: they call a service and own nothing else."""

from __future__ import annotations

from celery import shared_task

from wallboard.board import services


@shared_task(name="wallboard.poll_source", ignore_result=True)
def poll_source(name: str) -> str:
    return services.poll_source(name)
