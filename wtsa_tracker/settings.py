"""Settings for the WTSA Implementation Tracker, read from the environment.

Without any environment variable the project runs embedded: SQLite and a
filesystem Celery broker under ``var/``, so a newcomer needs no server. In
production, ``DATABASE_URL`` and ``CELERY_BROKER_URL`` point at PostgreSQL and
Redis or RabbitMQ. Every variable is listed in ``.env.example``; a missing or
malformed one stops start-up with a message naming it (raised by environs).
"""

import os
from datetime import timedelta
from pathlib import Path

import orjson
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import dotenv_values
from environs import Env
from marshmallow.validate import OneOf, Range, Regexp

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = Env()
# A .env file is a development convenience. A process is in development only
# when its own environment says so (``make run`` sets DJANGO_ENV=development):
# a forgotten development .env must never turn a production process into a
# debug server with the development key.
DEVELOPMENT = os.environ.get("DJANGO_ENV", "") == "development"
_DOTENV = BASE_DIR / ".env"
if DEVELOPMENT:
    env.read_env(_DOTENV, recurse=False)
elif "DEBUG" not in os.environ and "DEBUG" in dotenv_values(_DOTENV):
    raise ImproperlyConfigured(
        f"DEBUG is set in {_DOTENV.name} but this process is not in development: set "
        "DJANGO_ENV=development in the environment to use the file, or set DEBUG in the "
        "environment."
    )

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on; a production
# deployment without SECRET_KEY must not start with a guessable key.
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "wtsa_tracker.apps.ApiTokensConfig",  # knox
    "wtsa_tracker.apps.SignInAttemptsConfig",  # axes
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "resolutions",
    "actions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wtsa_tracker.middleware.PrivateCacheControlMiddleware",
    # The audit trail names the signed-in user of the request behind a change.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wtsa_tracker.urls"
WSGI_APPLICATION = "wtsa_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wtsa_tracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "actions.context_processors.notifications",
            ],
        },
    },
]

# Forms and widgets render through Jinja2 where Django ships their templates for it.
FORM_RENDERER = "wtsa_tracker.forms.FormRenderer"

# --- Database ---------------------------------------------------------------
# SQLite by default. WAL lets the web process read while the Celery worker
# writes; IMMEDIATE transactions take the write lock up front, so two writers
# queue on the busy timeout instead of failing with "database is locked".
_SQLITE_PATH = env.path("SQLITE_PATH", default=VAR_DIR / "db.sqlite3")
DATABASES = {
    "default": env.dj_db_url(
        "DATABASE_URL",
        default=f"sqlite:///{_SQLITE_PATH}",
        conn_max_age=env.int("DB_CONN_MAX_AGE", default=60),
        conn_health_checks=True,
    )
}
# PostgreSQL's JIT compiles any query it costs above 100,000: a second spent
# compiling the dashboard's readiness counts, which then run in 0.1 s, and
# 2 s of a large export (issue 13). The tracker's queries are short.
# DATABASE_JIT=true leaves it on.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool(
    "DATABASE_JIT", default=False
):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same backend, with SQLite's real limit on parameters per statement.
    # Connections are kept between requests (DB_CONN_MAX_AGE), as on
    # PostgreSQL: opening one runs the PRAGMAs below and Django's function
    # registrations, and closing the last one checkpoints the WAL, 1.5–2 ms
    # of each API request under gunicorn (issue 13). Django's runserver, which
    # `make run` starts, still closes them at the end of each request thread.
    DATABASES["default"]["ENGINE"] = "wtsa_tracker.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
AUTH_USER_MODEL = "actions.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out user or address before the
# password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
# Every user-facing string is marked for translation; a language is listed
# here once its messages are in locale/, so no page mixes two languages.
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as Geneva writes them, in the admin too (Django's "en" is American).
FORMAT_MODULE_PATH = "wtsa_tracker.formats"
TIME_ZONE = "Europe/Zurich"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

# --- Files the workers write and read (reports, imports, exports) -----
# Council reports generated by the worker are kept here until downloaded or
# frozen (a frozen report is stored in the database); uploaded resolution files
# wait here, under a random token, between their preview and their import.
# Web and worker processes must share this folder: on several machines, mount
# the same volume (or set another storage backend under STORAGES["default"]).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"
# Up to this many actions a CSV export streams in the request, finishing well
# inside a web worker's timeout; above it, a Celery task writes the file and
# the user downloads it when it is ready.
EXPORT_STREAM_MAX_ROWS = env.int("EXPORT_STREAM_MAX_ROWS", default=5000)
# Files up to this size are previewed and imported within the request; larger
# ones by a Celery task while the page shows its progress.
IMPORT_SYNC_MAX_BYTES = env.int("IMPORT_SYNC_MAX_BYTES", default=256 * 1024)

# --- E-mail -----------------------------------------------------------------
# Reminders go out by e-mail, so production must say where to send them:
# smtp://user:password@host:587/?tls=True. In development they are printed.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
_email_url = env.str("EMAIL_URL", default="consolemail://") if DEBUG else env.str("EMAIL_URL")
globals().update(env.dj_email_url("EMAIL_URL", default=_email_url))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="wtsa-tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds an SMTP connection may wait for the server: a server that accepts
# the connection but never answers must not hold a worker for ever.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=20.0)

# --- Celery -----------------------------------------------------------------
# The filesystem transport needs no server: the web process and the worker
# exchange messages through files under var/celery/. Production sets a
# redis:// or amqp:// URL.
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL",
    default="filesystem://localhost//",
    validate=Regexp(
        r"^(filesystem|redis|rediss|amqp|amqps|memory)://",
        error="must start with filesystem://, redis://, rediss:// or amqp://",
    ),
)
_CELERY_QUEUE_DIR = env.path("CELERY_QUEUE_DIR", default=VAR_DIR / "celery" / "queue")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _CELERY_CONTROL_DIR = _CELERY_QUEUE_DIR.parent / "control"
    for _folder in (_CELERY_QUEUE_DIR, _CELERY_CONTROL_DIR):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_CELERY_QUEUE_DIR),
        "data_folder_out": str(_CELERY_QUEUE_DIR),
        "control_folder": str(_CELERY_CONTROL_DIR),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
_BEAT_SCHEDULE = env.path("CELERY_BEAT_SCHEDULE", default=VAR_DIR / "celerybeat-schedule")
_BEAT_SCHEDULE.parent.mkdir(parents=True, exist_ok=True)
CELERY_BEAT_SCHEDULE_FILENAME = str(_BEAT_SCHEDULE)

# --- Cache ------------------------------------------------------------------
# Throttling and rate limits count requests in the cache. Several web
# processes must share one (CACHE_URL=redis://…); the default, in-process
# memory, is enough for one process.
CACHES = {"default": env.dj_cache_url("CACHE_URL", default="locmem://")}

# A rate is a number of requests per second, minute, hour or day.
_RATE = r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$"
_RATE_ERR = "must be a number of requests per period, such as 60/min"

# --- Django REST framework ----------------------------------------------------
# Requests per client and period ("60/min", "1000/hour"); read on every request
# by wtsa_tracker.throttling, so tests and deployments can change them.
API_THROTTLE_RATES = {
    "anon": env.str("API_THROTTLE_ANON", default="60/min", validate=Regexp(_RATE, error=_RATE_ERR)),
    "user": env.str(
        "API_THROTTLE_USER", default="1200/min", validate=Regexp(_RATE, error=_RATE_ERR)
    ),
    "login": env.str(
        "API_THROTTLE_LOGIN", default="10/min", validate=Regexp(_RATE, error=_RATE_ERR)
    ),
}
API_THROTTLE_CLASSES = [
    "wtsa_tracker.throttling.AnonymousThrottle",
    "wtsa_tracker.throttling.SignedInThrottle",
]
REST_FRAMEWORK = {
    # Token first: a request without credentials gets 401 with
    # ``WWW-Authenticate: Token``; a signed-in browser gets in by its session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wtsa_tracker.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The filtersets alone filter and order (see wtsa_tracker.api.base).
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "wtsa_tracker.api.pagination.PageOrCursorPagination",
    # orjson writes a page of fifty actions in a tenth of the time of the
    # standard library's encoder (issue 13); the browsable API stays.
    "DEFAULT_RENDERER_CLASSES": [
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Field errors of list items are keyed by position (``{0: {"url": …}}``).
    "ORJSON_RENDERER_OPTIONS": (orjson.OPT_NON_STR_KEYS,),
    # JSON bounded in depth; forms for the browsable API and the docs' "try it out".
    "DEFAULT_PARSER_CLASSES": [
        "wtsa_tracker.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "wtsa_tracker.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": API_THROTTLE_CLASSES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WTSA Implementation Tracker API",
    "DESCRIPTION": "Resolutions of the World Telecommunication Standardization Assembly, "
    "their clauses, the actions they call for and progress on each.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: no CDN needed at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Domain settings ----------------------------------------------------------
# ITU Council document rules (Council Rule of Procedure 20, Decision 556):
# secretariat documents are due four weeks before a session opens. A session
# may override its own deadline; this is only the default offset.
COUNCIL_DOCUMENT_DEADLINE_DAYS = env.int("COUNCIL_DOCUMENT_DEADLINE_DAYS", default=28)
# The address staff open the tracker at, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Reminders go out this many days before each secretariat deadline.
REMINDER_DAYS_BEFORE = env.list("REMINDER_DAYS_BEFORE", subcast=int, default=[30, 14, 7])
# Caps on an imported Word file, checked before it is unpacked so that a ZIP
# bomb is refused unread. A proceedings volume with its pictures stays well
# under them; Word compresses text about 5-20 to 1.
IMPORT_DOCX_MAX_UNCOMPRESSED_MB = env.int(
    "IMPORT_DOCX_MAX_UNCOMPRESSED_MB", default=256, validate=Range(min=1)
)
IMPORT_DOCX_MAX_MEMBERS = env.int("IMPORT_DOCX_MAX_MEMBERS", default=2000, validate=Range(min=1))
IMPORT_DOCX_MAX_RATIO = env.int("IMPORT_DOCX_MAX_RATIO", default=200, validate=Range(min=1))
# The text a Word file's document, footnotes and styles unpack to: a whole proceedings
# volume holds 10-20 MB of it (see DocxLimits.max_text_bytes).
IMPORT_DOCX_MAX_TEXT_MB = env.int("IMPORT_DOCX_MAX_TEXT_MB", default=40, validate=Range(min=1))
# A worker that claimed a reminder or notification e-mail has this long to send
# it; after that the next sweep takes it over (the worker died or hung).
# Longer than EMAIL_TIMEOUT, so a slow send is not taken over while it runs.
REMINDER_LEASE_SECONDS = env.int("REMINDER_LEASE_SECONDS", default=600)
# A failed send waits this long before its first retry, doubling each time.
REMINDER_RETRY_SECONDS = env.int("REMINDER_RETRY_SECONDS", default=300)

LOG_LEVEL = env.str(
    "LOG_LEVEL", default="INFO", validate=OneOf(["DEBUG", "INFO", "WARNING", "ERROR"])
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django logs requests through its own handlers too; one line per event is enough.
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # django-axes announces itself at every start; lockouts are warnings and still show.
        "axes.apps": {"level": "WARNING"},
    },
}

# --- Security -----------------------------------------------------------------
# A session lasts a working day by default; signing in again the next morning
# is cheaper than a stolen laptop with a live session.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=9 * 60 * 60)
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
# Behind a proxy that terminates TLS, the header it sets to say so
# (X-Forwarded-Proto: https). Only set it when the proxy always sets or strips it.
if env.bool("SECURE_PROXY_SSL_HEADER", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: scripts and style sheets only from our own static
# files, no inline script (htmx is told not to inject its indicator styles).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Style attributes only (bar widths in the charts, the admin's own
        # templates); they cannot run code. Style elements stay refused.
        "style-src-attr": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# No page of the tracker uses any of these browser features.
PERMISSIONS_POLICY = {
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
        "usb",
    )
}

# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for
# one user name, or AXES_ADDRESS_FAILURE_LIMIT from one address (an office
# signs in through one), logins are refused for the cool-off time. An
# administrator lifts a lockout early under Axes → Access attempts in the
# admin, or with `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5, validate=Range(min=1))
AXES_ADDRESS_FAILURE_LIMIT = env.int(
    "AXES_ADDRESS_FAILURE_LIMIT",
    default=50,
    validate=Range(min=AXES_FAILURE_LIMIT, error="must be at least AXES_FAILURE_LIMIT"),
)
AXES_HANDLER = "wtsa_tracker.accounts.LoginFailureHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# The account, then the address: LoginFailureHandler counts them in this order.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "wtsa_tracker.accounts.lockout_response"
# The client's address, for lockout and throttling: the connection's, unless
# PROXY_COUNT proxies stand in front and add it to X-Forwarded-For (a client
# could write any address there itself, so it is read only behind a proxy).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if PROXY_COUNT else ["REMOTE_ADDR"]
)

# Password reset mails: per address and per e-mail address asked for.
PASSWORD_RESET_RATE = env.str(
    "PASSWORD_RESET_RATE", default="5/h", validate=Regexp(_RATE, error=_RATE_ERR)
)

# API tokens (django-rest-knox): stored hashed, expire, revoked by their owner
# at /api/auth/logout/ (this token) or /api/auth/logoutall/ (every token).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_HOURS", default=24 * 30)),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": None,
}

# --- Audit trail (django-simple-history) ---------------------------------------
# History is evidence: the admin shows it but offers no "revert", and no
# historical row is editable anywhere.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_EDIT = False
