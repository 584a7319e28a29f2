"""Settings for the case-report registry, read from the environment (see README, "Configuration").

Nothing here is environment-specific by editing: every deploy-dependent value comes from an
environment variable, and a malformed value stops start-up naming the variable (registry/env.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from registry import embedded
from registry.env import (
    env_bool,
    env_broker,
    env_database,
    env_int,
    env_list,
    env_str,
    env_trusted_proxies,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = embedded.VAR_DIR

DEBUG = env_bool("DEBUG", False)
_running_tests = "pytest" in sys.modules or env_bool("REGISTRY_TESTING", False)
# Set by manage.py for commands that never touch the database (`extract`).
_no_database = env_bool("REGISTRY_NO_DATABASE", False)

# A development key is allowed only when DEBUG is on or under the tests; a real deployment must
# set SECRET_KEY, and start-up refuses to serve without it.
SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if DEBUG or _running_tests or _no_database or env_bool("REGISTRY_ALLOW_DEV_SECRET", False):
        SECRET_KEY = "dev-only-insecure-key-not-for-deployment"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is unset; set it (e.g. `export SECRET_KEY=$(python -c 'import secrets;"
            "print(secrets.token_urlsafe(50))')`) or set DEBUG=1 for local development"
        )
elif len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY is shorter than 32 characters; use a long random value")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "cases",
    "ingest",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves our static assets (no CDN is reachable) from gunicorn as well as runserver.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Knows who the client is from here on; answers before any view costs anything.
    "registry.throttling.ExpensiveConcurrencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "registry.middleware.StatementTimeoutMiddleware",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"
ASGI_APPLICATION = "registry.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Database: a real server from DATABASE_URL, else the embedded pgserver ---------------------
_database = env_database("DATABASE_URL")
if _no_database:
    # Any query raises, which is what a command promising not to touch the database wants.
    DATABASES = {"default": {"ENGINE": "django.db.backends.dummy"}}
else:
    DATABASES = {"default": _database or embedded.embedded_database()}
# Lets a subprocess (a Celery worker or web server started by the tests) use the test database
# on the same server without rebuilding the URL.
if env_str("DATABASE_NAME"):
    DATABASES["default"]["NAME"] = env_str("DATABASE_NAME")
USING_EMBEDDED_DATABASE = _database is None
# A web request never holds a database connection for longer than this per statement (registry/
# wsgi.py marks the web process; a cancelled statement is a 503, registry/middleware.py).
WEB_STATEMENT_TIMEOUT_MS = env_int("WEB_STATEMENT_TIMEOUT_MS", 15_000, minimum=0)
if env_bool("REGISTRY_WEB_PROCESS", False) and WEB_STATEMENT_TIMEOUT_MS and not _no_database:
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (
        f"{_options.get('options', '')} -c statement_timeout={WEB_STATEMENT_TIMEOUT_MS}".strip()
    )
# Full-text fallback of words no vocabulary knows (cases/search/fulltext.py): beyond this the
# search answers 400 asking for a narrower query instead of holding the index lock.
FULLTEXT_TIMEOUT_MS = env_int("FULLTEXT_TIMEOUT_MS", 1_000, minimum=0)
# A read replica of the same database (streaming replication): reads outside transactions go to
# it (registry/routers.py), writes and the search index's change stamps to the primary.
_replica = env_database("DATABASE_REPLICA_URL")
if _replica and not _no_database:
    _options = {**_replica.get("OPTIONS", {}), **DATABASES["default"].get("OPTIONS", {})}
    DATABASES["replica"] = {**_replica, "OPTIONS": _options, "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["registry.routers.PrimaryReplicaRouter"]
# Cases below which a process may build its own search index (about a second); above it only the
# build task and command do, and web processes load their snapshot (cases/search/index.py).
SEARCH_INLINE_BUILD_MAX = env_int("SEARCH_INLINE_BUILD_MAX", 20_000, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# In development and tests assets are found in the apps directly, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or _running_tests
WHITENOISE_AUTOREFRESH = DEBUG
LOGIN_URL = "admin:login"

# --- Security: strict unless DEBUG. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER. ---
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx/JS forms read the token from the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading HSTS is a commitment the operator of a domain makes, not a default: opt in with
# SECURE_HSTS_PRELOAD=1; until then the deploy check's reminder about it is silenced.
SILENCED_SYSTEM_CHECKS = [] if env_bool("SECURE_HSTS_PRELOAD", False) else ["security.W021"]
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Celery: a real broker from CELERY_BROKER_URL, else Kombu's serverless filesystem transport ---
_broker = env_broker("CELERY_BROKER_URL")
if _broker is None:
    CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS = embedded.filesystem_broker()
else:
    CELERY_BROKER_URL = _broker
    # A job not acknowledged within this window is handed to another worker (Redis transport);
    # it must exceed the hard time limit of the longest task.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
USING_EMBEDDED_BROKER = _broker is None
# Job state lives in IngestJob rows, so no result backend is needed.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360, minimum=1)
CELERY_TASK_ALWAYS_EAGER = False  # only unit tests that say so run tasks in-process
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Ingestion limits ----------------------------------------------------------------------------
INGEST_MAX_BYTES = env_int("INGEST_MAX_BYTES", 50 * 1024 * 1024, minimum=1)
INGEST_MAX_ZIP_TOTAL_BYTES = env_int("INGEST_MAX_ZIP_TOTAL_BYTES", 500 * 1024 * 1024, minimum=1)
INGEST_BATCH_SIZE = env_int("INGEST_BATCH_SIZE", 50, minimum=1)
# The Celery queue ingestion tasks go to (tests give each worker its own).
INGEST_QUEUE = env_str("INGEST_QUEUE") or "celery"
# On worker start, also send again jobs `queued` for over 10 minutes. Needed with the filesystem
# broker, whose message is gone once a worker took it (a dead worker's `running` jobs are re-queued
# by every worker's lease reaper, on any broker: see below).
INGEST_RECOVER_ON_START = env_bool("INGEST_RECOVER_ON_START", _broker is None)
# A worker holds a lease on the jobs it runs, renewed every third of this many seconds while it
# works; every worker re-queues, every INGEST_REAPER_INTERVAL seconds, the `running` jobs whose
# lease ran out (their worker died), on any broker. A dead worker's jobs are queued again within
# INGEST_LEASE_SECONDS + INGEST_REAPER_INTERVAL.
INGEST_LEASE_SECONDS = env_int("INGEST_LEASE_SECONDS", 60, minimum=3)
INGEST_REAPER_INTERVAL = env_int("INGEST_REAPER_INTERVAL", 15, minimum=1)

# --- Public visibility: when set, anonymous users see only curated/published cases -------------
PUBLIC_CURATED_ONLY = env_bool("PUBLIC_CURATED_ONLY", False)
# The admin shows history (who, when, what) but never rewrites it: reverting from the UI is off.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Throttling: who a request comes from (registry/throttling.py) --------------------------------
# X-Forwarded-For is believed only as far as proxies we run wrote it: unset = none (the socket's
# peer is the client), a count ("1" behind one nginx), or a list of proxy addresses/networks.
TRUSTED_PROXIES = env_trusted_proxies()

# Expensive requests (similar cases, cohorts, exports, searches of EXPENSIVE_SEARCH_WORDS words or
# more) a client may have running at once; one more is a 429 (registry/throttling.py). 0 = no limit.
EXPENSIVE_CONCURRENCY = env_int("EXPENSIVE_CONCURRENCY", 1, minimum=0)
EXPENSIVE_SEARCH_WORDS = env_int("EXPENSIVE_SEARCH_WORDS", 3, minimum=1)
# A cache slot whose worker was killed mid-request frees itself after this long (gunicorn's timeout
# is 60); an advisory lock ends with the worker's connection.
EXPENSIVE_LEASE_SECONDS = 120
EXPENSIVE_RETRY_AFTER = 2

# --- REST framework ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Bodies bounded in size (413) and JSON in nesting (400): never a 500 (registry/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "registry.parsers.SafeJSONParser",
        "registry.parsers.SafeFormParser",
        "registry.parsers.SafeMultiPartParser",
    ],
    # One JSON error shape for every API endpoint ({"error": {"code", "message", ...}}).
    "EXCEPTION_HANDLER": "cases.api.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "registry.throttling.AnonThrottle",
        "registry.throttling.UserThrottle",
    ],
    # For any throttle keyed by DRF's own get_ident: never the raw, forgeable header.
    "NUM_PROXIES": TRUSTED_PROXIES if isinstance(TRUSTED_PROXIES, int) else 0,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "600/minute"),
        "user": env_str("API_THROTTLE_USER", "6000/minute"),
        # Matchmaker Exchange partners, per token (cases/mme/)
        "mme": env_str("API_THROTTLE_MME", "120/minute"),
        # The HTML search, cohort, similar and CSV pages (registry.throttling.throttle_page)
        "page_anon": env_str("PAGE_THROTTLE_ANON", "120/minute"),
        "page_user": env_str("PAGE_THROTTLE_USER", "1200/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Case-report registry API",
    "DESCRIPTION": "Search, read and ingest coded clinical case reports; Phenopackets v2 import/export.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get their own components, so a file field is `format: binary` in multipart
    # (a generated client can upload it) and read-only fields are not asked of the client.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cases.api.schema_hooks.document_errors",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status`; name each choice set so the schema's enum names are stable.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.Case.Status",
        "DiagnosisStatusEnum": "cases.models.Diagnosis.Status",
        "IngestJobStatusEnum": "cases.models.IngestJob.Status",
        "InterpretationStatusEnum": "cases.facts.gene.InterpretationStatus",
    },
}

# Throttle counters need a cache shared by all web workers: Redis when configured.
_cache_url = env_str("CACHE_URL")
if _cache_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Where the expensive-request slots live: a per-process cache could not limit anything across
# workers, so without Redis they are PostgreSQL advisory locks (registry/throttling.py).
EXPENSIVE_SLOTS = "cache" if _cache_url else "database"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # pgserver logs every process exit at INFO; only its warnings matter to us.
        "pgserver": {"level": "WARNING"},
    },
}

os.environ.setdefault("REGISTRY_CACHE_DIR", str(VAR_DIR / "cache"))
