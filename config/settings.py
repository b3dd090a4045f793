"""CSM settings: one environment-driven module.

SQLite in the project folder is the default; DATABASE_URL switches to PostgreSQL. CSM_ENV=production
turns on the secure defaults and requires CSM_SECRET_KEY and CSM_ALLOWED_HOSTS.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.env import EnvError, env_bool, env_int, env_list, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

CSM_ENV = env_str("CSM_ENV", "development")
if CSM_ENV not in {"development", "test", "production"}:
    raise EnvError(f"CSM_ENV must be development, test or production, got {CSM_ENV!r}.")
PRODUCTION = CSM_ENV == "production"

DEBUG = env_bool("CSM_DEBUG", not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env_str("CSM_SECRET_KEY")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise EnvError("CSM_SECRET_KEY must be at least 50 characters with at least 5 distinct ones.")
    ALLOWED_HOSTS = env_list("CSM_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise EnvError("CSM_ALLOWED_HOSTS must list the host names CSM is served on, e.g. csm.example.com.")
else:
    SECRET_KEY = env_str("CSM_SECRET_KEY", "dev-only-insecure-key-" + "x" * 40)
    ALLOWED_HOSTS = env_list("CSM_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "csm.core",
    "csm.accounts",
    "csm.catalogue",
    "csm.complaints",
    "csm.surveys",
    "csm.assessments",
    "csm.web",
    "csm.demo",
]

MIDDLEWARE = [
    "csm.core.middleware.RequestIdMiddleware",
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
    "csm.accounts.middleware.UserLanguageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
                "csm.web.context_processors.navigation",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL", "")
if _database_url:
    _db = parse_database_url("DATABASE_URL", _database_url)
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(BASE_DIR / "var" / "csm.sqlite3")}
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    _db["TEST"] = {"NAME": env_str("CSM_TEST_SQLITE", "") or None}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins allowed per e-mail and per IP address inside the window, before a lockout.
CSM_LOGIN_MAX_FAILURES = env_int("CSM_LOGIN_MAX_FAILURES", 5)
CSM_SURVEY_RESPONSES_PER_IP_HOUR = env_int("CSM_SURVEY_RESPONSES_PER_IP_HOUR", 20)
CSM_SURVEY_KIOSK_PER_HOUR = env_int("CSM_SURVEY_KIOSK_PER_HOUR", 600)
CSM_CERTIFICATE_VALID_MONTHS = env_int("CSM_CERTIFICATE_VALID_MONTHS", 12)
CSM_IMPROVEMENT_DUE_DAYS = env_int("CSM_IMPROVEMENT_DUE_DAYS", 90)
CSM_VERIFY_PER_IP_HOUR = env_int("CSM_VERIFY_PER_IP_HOUR", 60)
CSM_LOGIN_WINDOW_SECONDS = env_int("CSM_LOGIN_WINDOW_SECONDS", 900)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("pl", _("Polish")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_COOKIE_NAME = "csm_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
# plotly.min.js comes from the installed plotly package (csm/web/staticfiles.py), never a copy or a CDN.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "csm.web.staticfiles.PlotlyFinder",
]
STATIC_ROOT = BASE_DIR / "var" / "static"
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
# In development WhiteNoise serves every app's static/ folder as it is, picking up edits without a
# restart; production serves the collectstatic output from STATIC_ROOT (docs/deployment.md).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = BASE_DIR / "var" / "media"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "csm_cache",
        # The login throttle (csm/accounts/throttle.py) counts here: with Django's default of 300
        # entries, culling under load would silently drop its counters (the intake's limits have
        # their own table, see csm/complaints/intake_limits.py).
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if CSM_ENV == "test"
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("CSM_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("CSM_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSM_CSRF_TRUSTED_ORIGINS", [f"https://{h}" for h in ALLOWED_HOSTS])

EMAIL_BACKEND = env_str(
    "CSM_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("CSM_FROM_EMAIL", "csm@localhost")
# The address complainants reach CSM at, for links in e-mails (tracking, rating).
CSM_BASE_URL = env_str("CSM_BASE_URL", "http://127.0.0.1:8000")
# The domain of the Message-IDs CSM gives its outbound mail, so replies can be threaded.
CSM_MAIL_DOMAIN = env_str("CSM_MAIL_DOMAIN", "csm.localhost")

# Public complaint intake (web form and public API): submissions allowed per client IP per hour and
# per e-mail address per day, before a 429.
CSM_INTAKE_PER_IP_PER_HOUR = env_int("CSM_INTAKE_PER_IP_PER_HOUR", 10)
CSM_INTAKE_PER_EMAIL_PER_DAY = env_int("CSM_INTAKE_PER_EMAIL_PER_DAY", 5)

# API pagination: default and maximum page sizes for cursor-paginated list endpoints.
CSM_API_PAGE_SIZE = env_int("CSM_API_PAGE_SIZE", 50)
CSM_API_MAX_PAGE_SIZE = env_int("CSM_API_MAX_PAGE_SIZE", 500)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("CSM_LOG_LEVEL", "INFO")},
}
