"""GET /healthz (JSON, for load balancers and people) and GET /metrics (Prometheus)."""

from __future__ import annotations

import hmac
import time
from typing import Any

import msgspec
import redis
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from telephony.model import SourceHealth
from wallboard import beat_lock
from wallboard.board import store
from wallboard.board.sources import active_sources
from wallboard.health import connections, heartbeat, keys, metrics
from wallboard.outbox.models import OutboxEvent

PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"


def stale_after() -> float:
    """A source is stale when its last good poll is older than this: three poll periods, as
    the board's own watchdog counts."""
    return 3 * settings.WALLBOARD_POLL_SECONDS


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while this process and Redis work (``status`` says ``ok`` or ``degraded``); 503 when
    Redis is unreachable, or with ``?strict=1`` whenever anything is not ``ok``."""
    report = health_report(time.time())
    strict = request.GET.get("strict") in ("1", "true", "yes")
    failing = report["status"] == "down" or (strict and report["status"] != "ok")
    return JsonResponse(report, status=503 if failing else 200)


def health_report(now: float) -> dict[str, Any]:
    client = keys.probe_client()
    started = time.perf_counter()
    try:
        client.ping()
    except redis.RedisError as exc:
        return {
            "status": "down",
            "checked_at": now,
            "redis": {"ok": False, "error": str(exc)},
            "outbox": outbox_report(now),
        }
    redis_ms = round((time.perf_counter() - started) * 1000, 1)
    try:
        sources = source_report(client, now)
        celery = celery_report(client, now)
    except redis.RedisError as exc:  # went away mid-check
        return {"status": "down", "checked_at": now, "redis": {"ok": False, "error": str(exc)}}
    problems = [f"source {name} is stale" for name, s in sources.items() if not s["fresh"]]
    if not celery["workers"]:
        problems.append("no Celery worker heartbeat")
    if celery["beat"]["holder"] is None:
        problems.append("no Celery beat holds the schedule lock")
    return {
        "status": "degraded" if problems else "ok",
        "problems": problems,
        "checked_at": now,
        "redis": {"ok": True, "latency_ms": redis_ms},
        "celery": celery,
        "sources": sources,
        "outbox": outbox_report(now),
    }


def source_report(client: redis.Redis, now: float) -> dict[str, dict[str, Any]]:
    names = active_sources()
    raws = client.mget([store.health_key(name) for name in names]) if names else []
    limit = stale_after()
    report = {}
    for name, raw in zip(names, raws, strict=True):
        health = None if raw is None else msgspec.json.decode(raw, type=SourceHealth)
        last_ok = health.last_ok_at if health else None
        age = None if last_ok is None else round(now - last_ok, 1)
        report[name] = {
            "ok": bool(health and health.ok),
            "fresh": bool(health and health.ok and age is not None and age <= limit),
            "age_seconds": age,
            "stale_after_seconds": limit,
            "last_ok_at": last_ok,
            "last_error": (health.last_error if health else "no poll yet") or "",
            "latency_ms": health.latency_ms if health else None,
        }
    return report


def celery_report(client: redis.Redis, now: float) -> dict[str, Any]:
    holder, ttl = beat_lock.holder(client)
    last_sent = client.hgetall(keys.BEAT_LAST_RUN)
    newest = max((float(v) for v in last_sent.values()), default=None)
    return {
        "workers": heartbeat.workers(client, now),
        "beat": {
            "holder": holder,
            "lock_expires_in": ttl,
            "last_sent_age_seconds": None if newest is None else round(now - newest, 1),
        },
    }


def outbox_report(now: float) -> dict[str, Any]:
    try:
        rows = OutboxEvent.objects.values("status").annotate(
            n=Count("id"), oldest=Min("created_at")
        )
        by_status = {row["status"]: row for row in rows}
    except DatabaseError as exc:
        return {"error": str(exc)}
    pending = by_status.get(OutboxEvent.Status.PENDING)
    parked = by_status.get(OutboxEvent.Status.PARKED)
    oldest = pending["oldest"].timestamp() if pending else None
    return {
        "pending": pending["n"] if pending else 0,
        "parked": parked["n"] if parked else 0,
        "oldest_pending_age_seconds": None if oldest is None else round(now - oldest, 1),
    }


@never_cache
@require_GET
def prometheus(request: HttpRequest) -> HttpResponse:
    expected = settings.WALLBOARD_METRICS_TOKEN
    if expected:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            refusal = "metrics need the bearer token\n"
            return HttpResponse(refusal, status=401, content_type=PROMETHEUS)
    return HttpResponse(render_metrics(time.time()), content_type=PROMETHEUS)


def render_metrics(now: float) -> str:
    out = metrics.Exposition()
    client = keys.probe_client()
    out.family("wallboard_redis_up", "gauge", "1 when Redis answers this web process.")
    try:
        client.ping()
    except redis.RedisError:
        out.sample("wallboard_redis_up", 0)
        out.family("wallboard_connected_boards", "gauge", "Board sockets open on this process.")
        out.sample("wallboard_connected_boards", connections.local_count())
        outbox_families(out, outbox_report(now))
        return out.text()
    out.sample("wallboard_redis_up", 1)
    sources = active_sources()
    metrics.poll_families(out, client, sources)
    health = source_report(client, now)
    out.family("wallboard_source_up", "gauge", "1 when the source's last poll succeeded.")
    for name, report in health.items():
        out.sample("wallboard_source_up", int(report["ok"]), source=name)
    out.family(
        "wallboard_source_age_seconds", "gauge", "Seconds since the source's last good poll."
    )
    for name, report in health.items():
        if report["age_seconds"] is not None:
            out.sample("wallboard_source_age_seconds", report["age_seconds"], source=name)
    by_process = connections.counts_by_process(client)
    out.family("wallboard_connected_boards", "gauge", "Board sockets open, all web processes.")
    out.sample("wallboard_connected_boards", sum(by_process.values()))
    out.family(
        "wallboard_connected_boards_by_process", "gauge", "Board sockets open per web process."
    )
    for process, count in sorted(by_process.items()):
        out.sample("wallboard_connected_boards_by_process", count, process=process)
    celery = celery_report(client, now)
    out.family("wallboard_celery_workers", "gauge", "Celery workers with a live heartbeat.")
    out.sample("wallboard_celery_workers", len(celery["workers"]))
    out.family("wallboard_celery_beat_up", "gauge", "1 when a beat holds the schedule lock.")
    out.sample("wallboard_celery_beat_up", int(celery["beat"]["holder"] is not None))
    outbox_families(out, outbox_report(now))
    return out.text()


def outbox_families(out: metrics.Exposition, outbox: dict[str, Any]) -> None:
    if "error" in outbox:
        return
    out.family("wallboard_outbox_backlog", "gauge", "Outbox events not delivered, by status.")
    out.sample("wallboard_outbox_backlog", outbox["pending"], status="pending")
    out.sample("wallboard_outbox_backlog", outbox["parked"], status="parked")
    out.family(
        "wallboard_outbox_oldest_pending_seconds", "gauge", "Age of the oldest pending event."
    )
    out.sample("wallboard_outbox_oldest_pending_seconds", outbox["oldest_pending_age_seconds"] or 0)
