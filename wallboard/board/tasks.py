"""Celery tasks are an interface: they call a service and own nothing else."""

from __future__ import annotations

from celery import shared_task

from wallboard.board import history, series, services, sms


@shared_task(name="wallboard.poll_source", ignore_result=True)
def poll_source(name: str) -> str:
    return services.poll_source(name)


@shared_task(name="wallboard.refresh_stats", ignore_result=True)
def refresh_stats(name: str) -> str:
    stats = history.refresh_stats(name)
    return "failed" if stats is None else f"ok: {stats.offered} offered today"


@shared_task(name="wallboard.sample_series", ignore_result=True)
def sample_series() -> str:
    return f"sampled {series.sample_all()} sources"


@shared_task(name="wallboard.refresh_sms", ignore_result=True)
def refresh_sms(name: str) -> str:
    count = sms.refresh_sms(name)
    return "skipped" if count is None else f"{count} messages"
