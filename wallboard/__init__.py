"""The Django project and the board: state store, consumers, views, tasks."""

from wallboard.celery import app as celery_app

__all__ = ["celery_app"]
