"""Readiness Portal settings: one module, driven by environment variables with safe local defaults.

SQLite (WAL) and eager Celery when nothing is configured, so a newcomer runs the portal with no servers;
PostgreSQL via DATABASE_URL and Redis via REDIS_URL in production. See .env.example.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "" if PRODUCTION else "dev-only-insecure-key-change-me")
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
]
LOCAL_APPS = [
    "program",
    "roles",
    "content",
    "assessments",
    "equity",
    "seeds",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "program.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "program.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

# How many reverse proxies sit in front of the portal and append to X-Forwarded-For (0: clients connect
# directly). Login lockout and API throttling count per client address, so behind a proxy this must be set, or
# every client looks like the proxy.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))

# Content-Security-Policy, by Django's own middleware: only the portal's own scripts, styles, images and fonts.
# Inline <script> and <style> elements need the request's nonce (`nonce="{{ csp_nonce }}"`); style attributes
# are allowed (style-src-attr) since they cannot run code. Nothing may frame the portal.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The API docs pages (Swagger UI, Redoc: vendored, served from the portal, no user data in the page) start
# themselves with inline scripts and style their widgets with inline <style> elements and workers from blob: URLs.
API_DOCS_CSP = SECURE_CSP | {
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "worker-src": [CSP.SELF, "blob:"],
}
# Browser features the portal never uses, switched off for every page (program.middleware).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
} | {"fullscreen": ["self"]}

ROOT_URLCONF = "program.urls"
WSGI_APPLICATION = "program.wsgi.application"

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
                "django.template.context_processors.csp",
                "program.pages.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the dev server, a worker and a management command read while one writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one address, that
# username is refused from that address (even with the right password) for AXES_COOLOFF_TIME; each lockout is
# written to the audit trail (program/login_audit.py). An L&D admin lifts one early in the admin (Axes > Access
# attempts: delete the row) or with `manage.py axes_reset_username <username>`.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# In development WhiteNoise serves straight from the finders; production serves collectstatic's output.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Console email in development; SMTP (configured from the environment) in production.
EMAIL_BACKEND_PATH = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("DJANGO_EMAIL_PORT", "587")),
        "username": os.environ.get("DJANGO_EMAIL_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", True),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "readiness-portal@localhost")
# Where emails link back to (the weekly scorecard), without a trailing slash.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Celery: with no REDIS_URL, tasks run eagerly in-process so the portal needs no servers.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_TASK_EAGER_PROPAGATES = True
# Tasks are idempotent (ids in, one service that can run twice), so a task is acknowledged only once it has run,
# and a task whose worker died (SIGKILL, OOM, a killed pool child) goes back on the queue instead of being lost.
# A task that must not run twice opts out with `acks_late=False` on its decorator.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every task has a time limit: a soft one (SoftTimeLimitExceeded is raised in the task, which records why it
# stopped) and a hard one (the pool child is killed). These are the defaults; long tasks set their own, and
# CELERY_LONGEST_TASK_SECONDS is the longest hard limit of any task (a test checks every registered task).
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_LONGEST_TASK_SECONDS = 1800
# Redis redelivers a message not acknowledged within the visibility timeout, whether its worker died or is still
# working on it; so it must outlast the longest task, or a long task would run twice at once. A worker that was
# SIGKILLed has its tasks redelivered by the next worker that polls, this long after they were taken.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT_SECONDS", CELERY_LONGEST_TASK_SECONDS + 300)),
    # Look for messages to restore every 10 s (kombu's default is every 100 s).
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL_SECONDS", "10")),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Each LRS connection has its own interval; this only looks every minute for the ones that are due.
    "lrs-sync-due-connections": {"task": "assessments.tasks.lrs_sync_due_connections", "schedule": 60.0},
    # Expire sign-offs past their validity and send the 30-day reminders, once a day before the working day.
    # The executives' scorecard, every Monday before the working day.
    "pages-scorecard-weekly": {
        "task": "pages.scorecard_email_weekly",
        "schedule": crontab(day_of_week=1, hour=6, minute=30),
    },
    "readiness-expire-daily": {
        "task": "assessments.tasks.readiness_expire_daily",
        "schedule": crontab(hour=5, minute=0),
    },
    # Each Prometheus source has its own interval; this only looks every minute for the ones that are due.
    "prometheus-pull-due-sources": {"task": "program.tasks.prometheus_pull_due_sources", "schedule": 60.0},
    # Warn L&D admins and service managers when on-call coverage is short before a sale or launch.
    "event-coverage-warnings-daily": {
        "task": "assessments.tasks.event_coverage_warnings_daily",
        "schedule": crontab(hour=6, minute=0),
    },
    # Blind second scoring of a share of yesterday's reviewed assessments (reviewer calibration).
    "calibration-spot-checks-daily": {
        "task": "assessments.tasks.spot_checks_select_daily",
        "schedule": crontab(hour=5, minute=30),
    },
    # Equity audits of every role over the last 90 days, weekly on Monday morning (docs/equity.md).
    "equity-audits-weekly": {
        "task": "equity.tasks.audits_run_scheduled",
        "schedule": crontab(hour=6, minute=0, day_of_week=1),
    },
}
# Days before an event's start during which the daily check warns about short on-call coverage.
EVENT_COVERAGE_WARNING_DAYS = int(os.environ.get("EVENT_COVERAGE_WARNING_DAYS", "14"))

# Reviewer calibration: the share of live reviewed assessments blindly double-scored, and the seed of the draw.
CALIBRATION_SPOT_CHECK_SHARE = float(os.environ.get("CALIBRATION_SPOT_CHECK_SHARE", "0.1"))
CALIBRATION_SPOT_CHECK_SEED = int(os.environ.get("CALIBRATION_SPOT_CHECK_SEED", "12"))

# Fernet key(s) that encrypt LRS secrets at rest, newest first (comma-separated); see program/crypto.py.
LRS_ENCRYPTION_KEY = os.environ.get("LRS_ENCRYPTION_KEY", "")
# Reading an LRS: the total deadline of one request (connecting, waiting and reading the whole page), attempts
# on 429/5xx/timeouts/malformed pages, and the first backoff (doubled each time).
LRS_SYNC_TIMEOUT_SECONDS = float(os.environ.get("LRS_SYNC_TIMEOUT_SECONDS", "30"))
LRS_SYNC_MAX_ATTEMPTS = int(os.environ.get("LRS_SYNC_MAX_ATTEMPTS", "6"))
LRS_SYNC_BACKOFF_SECONDS = float(os.environ.get("LRS_SYNC_BACKOFF_SECONDS", "0.5"))
# One sync per connection holds a lease, renewed every quarter of this while it runs (a heartbeat): a sync whose
# worker died is taken over at most this long after its last heartbeat.
LRS_SYNC_LEASE_SECONDS = int(os.environ.get("LRS_SYNC_LEASE_SECONDS", "60"))
# A queued sync stops after this long (between pages, cursor committed) and queues its continuation, so it stays
# well inside its task's time limit (soft: this plus 5 minutes).
LRS_SYNC_RUN_SECONDS = int(os.environ.get("LRS_SYNC_RUN_SECONDS", "600"))

# Post-incident notes → content refresh tickets (content/services.py): the matcher's score a match must reach
# (0–1: TF-IDF cosine plus a small bonus for covering the root cause) and the days an owner has to refresh.
REFRESH_MATCH_THRESHOLD = float(os.environ.get("REFRESH_MATCH_THRESHOLD", "0.30"))
REFRESH_TICKET_DUE_DAYS = int(os.environ.get("REFRESH_TICKET_DUE_DAYS", "10"))

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous call a 401 rather than a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "program.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "program.api.permissions.TokenHasScope",
        "program.api.permissions.WritesNeedModelPermission",
    ],
    # JSON bodies of bounded size and depth, with storable text only (program/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "program.api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "program.api.renderers.FastJsonRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["program.api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "program.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "program.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "program.api.exceptions.api_exception_handler",
    # Per client address when anonymous, per login otherwise; `auth_failure` counts bad bearer tokens per
    # address (program/api/authentication.py): past it, even a good token waits (429 with Retry-After).
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/min"),
        "user": os.environ.get("API_THROTTLE_USER", "3000/min"),
        "auth_failure": os.environ.get("API_THROTTLE_AUTH_FAILURES", "10/min"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Readiness Portal API",
    "DESCRIPTION": "People, standards, evidence, readiness and gates of the checkout readiness program.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "program.api.examples.postprocess_examples",
    ],
    # Several apps name a choice field `kind` or `status`: give each choice set its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "ContentKindEnum": "content.choices.ContentKind",
        "ContentStatusEnum": "content.choices.ContentStatus",
        "ScenarioKindEnum": "assessments.choices.ScenarioKind",
        "GateKindEnum": "roles.choices.GateKind",
        "VersionStatusEnum": "roles.choices.VersionStatus",
        "RefreshStatusEnum": "content.choices.RefreshStatus",
        "RubricLevelEnum": "roles.choices.RubricLevel",
        "ReadinessStatusEnum": "assessments.choices.ReadinessStatus",
        "StatementStatusEnum": "assessments.choices.StatementStatus",
        "SyncRunStatusEnum": "assessments.choices.SyncRunStatus",
        "IncidentSourceEnum": "program.choices.IncidentSource",
        "RefreshSourceEnum": "content.choices.RefreshSource",
        "VersionTriggerEnum": "content.choices.VersionTrigger",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # httpx logs every LRS request at INFO: a sync of 100 pages would drown the worker's log.
    # django-axes logs every login at INFO; failures and lockouts (WARNING) are what matter.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
