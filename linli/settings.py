"""Django settings for Linli.

Everything comes from environment variables (see README, "Configuration"). With none set, Linli
runs in its embedded default: SQLite and generated secrets under ``var/``. ``LINLI_MODE=production``
refuses to start without real secrets, a real database and explicit allowed hosts.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from linli.conf import (
    ImproperlyConfiguredEnv,
    env_bool,
    env_int,
    env_list,
    env_rates,
    env_str,
    local_secret,
    private_file,
    weak_key,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("LINLI_VAR_DIR", str(PROJECT_DIR / "var")))

MODE = env_str("LINLI_MODE", "embedded")
if MODE not in {"embedded", "production"}:
    raise ImproperlyConfiguredEnv(f"LINLI_MODE must be 'embedded' or 'production'; got {MODE!r}")
PRODUCTION = MODE == "production"

if PRODUCTION:
    for required in ("SECRET_KEY", "LINLI_DATA_KEY", "DATABASE_URL", "ALLOWED_HOSTS"):
        env_str(required)  # raises with the variable's name when it is missing
    SECRET_KEY = env_str("SECRET_KEY")
    DATA_KEY = env_str("LINLI_DATA_KEY")
    # SECRET_KEY: 50 characters, as `check --deploy` asks; the data key cannot be changed without
    # re-encrypting every record, so its minimum stays at 40.
    for _name, _value, _min in (("SECRET_KEY", SECRET_KEY, 50), ("LINLI_DATA_KEY", DATA_KEY, 40)):
        if _problem := weak_key(_value, min_length=_min):
            raise ImproperlyConfiguredEnv(f"{_name} {_problem}; generate one with: "
                                          "python3 -c 'import secrets;print(secrets.token_urlsafe(50))'")
else:
    SECRET_KEY = env_str("SECRET_KEY", "") or local_secret(VAR_DIR, "secret_key")
    DATA_KEY = env_str("LINLI_DATA_KEY", "") or local_secret(VAR_DIR, "data_key")

# Off unless asked for, in every mode: a debug page lists every URL and shows tracebacks to anyone.
DEBUG = env_bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfiguredEnv("DEBUG must be off in production mode")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
if PRODUCTION and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfiguredEnv("ALLOWED_HOSTS must name the site's host names in production mode, not '*'")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'linli.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A kept connection is checked before its first use in each request: after a database
        # restart or a dropped connection the request reconnects instead of failing with a 500.
        conn_health_checks=True,
    )
}
if PRODUCTION and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env_bool("LINLI_ALLOW_SQLITE"):
    raise ImproperlyConfiguredEnv(
        "production mode expects PostgreSQL in DATABASE_URL; set LINLI_ALLOW_SQLITE=1 to run on SQLite anyway"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": env_str("LINLI_TEST_SQLITE", "") or None}
    if str(DATABASES["default"]["NAME"] or ":memory:") != ":memory:":
        private_file(Path(DATABASES["default"]["NAME"]))  # mode 0600 (issue 9): it holds every resident

INSTALLED_APPS = [
    # Third-party apps whose admin Linli replaces come first, so our admin modules load after theirs.
    "django_tasks",
    "django_tasks_db",
    "linli.core",
    "linli.accounts",
    "linli.privacy",
    "linli.regions",
    "linli.people",
    "linli.catalog",
    "linli.supply",
    "linli.notifications",
    "linli.demands",
    "linli.open311",
    "linli.dispatch",
    "linli.ledger",
    "linli.records",
    "linli.shop",
    "linli.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "linli.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "linli.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "linli.core.db.TransientErrorMiddleware",  # a deadlock or dropped connection answers 503, never 500
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"
ASGI_APPLICATION = "linli.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linli.core.context_processors.linli",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["linli.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
#: The deployment's public address: links in SMS and notices (tracking, certificates) start with it.
LINLI_PUBLIC_URL = env_str("LINLI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout: after LOGIN_MAX_FAILURES wrong passwords in a row the account is locked for LOGIN_LOCK_MINUTES.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 15)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at every start without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_SYNC_MAX_BYTES = env_int("IMPORT_SYNC_MAX_BYTES", 256 * 1024)  # larger imports run in the worker

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
#: Reverse proxies in front of Linli that add the client's address to X-Forwarded-For (nginx:
#: ``$proxy_add_x_forwarded_for``) and pass X-Forwarded-Proto. 0 (embedded): the connection's address
#: is the client's and both headers are ignored, since anyone can send them.
PROXY_HOPS = env_int("LINLI_PROXY_HOPS", 1 if PRODUCTION else 0)
if PROXY_HOPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
#: Served over HTTPS (TLS ends at the proxy): secure cookies, http → https redirect, HSTS.
TLS = env_bool("LINLI_TLS", default=PRODUCTION)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = TLS
if TLS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the health check from the machine itself speaks plain HTTP
    SECURE_HSTS_SECONDS = env_int("LINLI_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LINLI_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("LINLI_HSTS_PRELOAD", True)
#: Every page loads its scripts, styles and images from Linli itself, and nothing inline
#: (``linli.core.csp``; no inline ``<script>``, ``<style>``, ``style=`` or ``on…=`` in templates).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# --- cache and rate limits -----------------------------------------------------------------------
# The cache lives in the database (table ``linli_cache``, created by the migration
# ``core.0001_cache_table``), so every process and machine sharing the database shares it too.
CACHES = {
    "default": {
        "BACKEND": "linli.core.cache.DatabaseCache",
        "LOCATION": "linli_cache",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 100_000)},
    }
}
#: Attempts allowed on the public pages (``linli.core.ratelimit``), per client address and per
#: target: guesses of the mobile for one tracking number, submissions that text one mobile.
RATE_LIMITS = {
    "track": {
        "ip": env_rates("RATE_LIMIT_TRACK_IP", "30/h"),
        "number": env_rates("RATE_LIMIT_TRACK_NUMBER", "10/h,30/d"),
    },
    "serve": {
        "ip": env_rates("RATE_LIMIT_SERVE_IP", "20/h"),
        "mobile": env_rates("RATE_LIMIT_SERVE_MOBILE", "5/h,10/d"),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

PAGE_SIZE = 50

# --- background work (django-tasks) ------------------------------------------------------------
# The embedded default keeps its queue in the database, so `make run` needs no other service; an
# operator scales out by running `linli worker` on as many machines as share the database.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- notifications -------------------------------------------------------------------------------
# Every message is kept in the recipient's in-app inbox; these backends also send it outside.
NOTIFICATION_BACKENDS = env_list("NOTIFICATION_BACKENDS", [
    "linli.notifications.backends.LogSmsBackend",
    "linli.notifications.backends.LogWeChatBackend",
    "linli.notifications.backends.EmailBackend",
])
_email = env_str("EMAIL_URL", "console://")
if _email.startswith("console:"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif _email.startswith(("smtp://", "smtps://")):
    from urllib.parse import unquote, urlsplit

    _parts = urlsplit(_email)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _parts.hostname or "localhost", _parts.port or 25
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = unquote(_parts.username or ""), unquote(_parts.password or "")
    EMAIL_USE_SSL = _parts.scheme == "smtps"
else:
    raise ImproperlyConfiguredEnv(f"EMAIL_URL must be console:// or smtp(s)://user:pass@host:port; got {_email!r}")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "linli@localhost")

# --- demands (M3) --------------------------------------------------------------------------------
def _hours_by_urgency(name: str, default: str) -> dict[int, int]:
    raw = env_str(name, default)
    try:
        pairs = dict(item.split(":") for item in raw.split(","))
        table = {int(k): int(v) for k, v in pairs.items()}
    except ValueError:
        raise ImproperlyConfiguredEnv(f"{name} must look like '4:4,3:24,2:72,1:168'; got {raw!r}") from None
    if set(table) != {1, 2, 3, 4} or min(table.values()) <= 0:
        raise ImproperlyConfiguredEnv(f"{name} needs a positive number of hours for each urgency 1-4")
    return table


#: Hours from submission to the deadline, per urgency (4 critical … 1 low).
DEMAND_DEADLINE_HOURS = _hours_by_urgency("DEMAND_DEADLINE_HOURS", "4:4,3:24,2:72,1:168")
#: A reminder goes to the responsible people when this share of the time has passed.
DEMAND_REMINDER_AT = 0.75
#: Hours after the deadline before an overdue demand escalates one more level (community → street → district).
DEMAND_ESCALATION_STEP_HOURS = env_int("DEMAND_ESCALATION_STEP_HOURS", 24)
#: The same resident and service item open within this many days is offered as a merge.
DEMAND_DUPLICATE_WINDOW_DAYS = env_int("DEMAND_DUPLICATE_WINDOW_DAYS", 14)
#: The "解决了吗？" follow-up goes out this many hours after a demand is resolved.
DEMAND_FOLLOWUP_HOURS = env_int("DEMAND_FOLLOWUP_HOURS", 72)

# --- dispatch (M5) -------------------------------------------------------------------------------
#: Minutes a volunteer has to accept or decline an offer before it passes to the next best.
DISPATCH_OFFER_MINUTES = env_int("DISPATCH_OFFER_MINUTES", 30)
#: Minutes to answer an offer for a task on a later day (never past half the time left before it).
DISPATCH_OFFER_AHEAD_MINUTES = env_int("DISPATCH_OFFER_AHEAD_MINUTES", 720)
#: A volunteer may check in from this many minutes before the task's start; check-in and
#: check-out close at the end of the task's day (plus DISPATCH_CHECK_GRACE_MINUTES).
DISPATCH_CHECK_IN_EARLY_MINUTES = env_int("DISPATCH_CHECK_IN_EARLY_MINUTES", 60)
DISPATCH_CHECK_GRACE_MINUTES = env_int("DISPATCH_CHECK_GRACE_MINUTES", 0)

# --- hours, points, shop and time bank (M6) ------------------------------------------------------
#: Coins earned per hour of confirmed service (the Shanghai and Nanjing rule: 1 hour = 1 coin).
TIMEBANK_COINS_PER_HOUR = env_int("TIMEBANK_COINS_PER_HOUR", 1)
#: The most time a person may store, in hours (Nanjing: 1,500); what a record earns above it is
#: credited to the community's donated-time account.
TIMEBANK_CAP_HOURS = env_int("TIMEBANK_CAP_HOURS", 1500)
#: Star levels (星级志愿者) from certified hours: 1 star at the first figure, 5 at the last.
STAR_LADDER_HOURS = tuple(int(h) for h in env_list("STAR_LADDER_HOURS", ["100", "300", "600", "1000", "1500"]))
#: Working days the organising unit has to complete a service record (《志愿服务记录与证明出具办法》 §11).
RECORD_DUE_WORKING_DAYS = env_int("RECORD_DUE_WORKING_DAYS", 10)
