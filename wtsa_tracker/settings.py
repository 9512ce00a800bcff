"""Settings for the WTSA Implementation Tracker, read from the environment.

Without any environment variable the project runs embedded: SQLite and a
filesystem Celery broker under ``var/``, so a newcomer needs no server. In
production, ``DATABASE_URL`` and ``CELERY_BROKER_URL`` point at PostgreSQL and
Redis or RabbitMQ. Every variable is listed in ``.env.example``; a missing or
malformed one stops start-up with a message naming it (raised by environs).
"""

from pathlib import Path

from environs import Env
from marshmallow.validate import OneOf, Regexp

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = Env()
env.read_env(BASE_DIR / ".env", recurse=False)

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
    "rest_framework.authtoken",
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
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The audit trail names the signed-in user of the request behind a change.
    "simple_history.middleware.HistoryRequestMiddleware",
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
            ],
        },
    },
]

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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
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

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
# Every user-facing string is marked for translation; a language is listed
# here once its messages are in locale/, so no page mixes two languages.
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
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

# --- E-mail -----------------------------------------------------------------
# Reminders go out by e-mail, so production must say where to send them:
# smtp://user:password@host:587/?tls=True. In development they are printed.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
_email_url = env.str("EMAIL_URL", default="consolemail://") if DEBUG else env.str("EMAIL_URL")
globals().update(env.dj_email_url("EMAIL_URL", default=_email_url))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="wtsa-tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

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

# --- Django REST framework ----------------------------------------------------
REST_FRAMEWORK = {
    # Token first: a request without credentials gets 401 with
    # ``WWW-Authenticate: Token``; a signed-in browser gets in by its session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The filtersets alone filter and order (see wtsa_tracker.api.base).
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "wtsa_tracker.api.pagination.PageOrCursorPagination",
    # JSON bounded in depth; forms for the browsable API and the docs' "try it out".
    "DEFAULT_PARSER_CLASSES": [
        "wtsa_tracker.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "wtsa_tracker.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
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
    "loggers": {"django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False}},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Audit trail (django-simple-history) ---------------------------------------
# History is evidence: the admin shows it but offers no "revert", and no
# historical row is editable anywhere.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_EDIT = False
