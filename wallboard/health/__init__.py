"""Operations: /healthz and /metrics, the Celery worker heartbeat, board connection counts.

Everything is kept in Redis, so any web process answers for the whole deployment.
"""
