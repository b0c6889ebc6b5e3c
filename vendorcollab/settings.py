"""Settings for vendorcollab, all read from the environment so one file serves development, CI and production."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VENDORCOLLAB_VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean; anything but a clear yes or no is a configuration error, not a silent False."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


DEBUG = env_bool("DEBUG", False)

_DEFAULT_SECRET_KEY = "insecure-development-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEFAULT_SECRET_KEY)
if not DEBUG and SECRET_KEY == _DEFAULT_SECRET_KEY:
    # Production must never run with a key that is published in this repository.
    raise ImproperlyConfigured("SECRET_KEY is not set. Set SECRET_KEY in the environment (or DEBUG=1 for development).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks",
    # The database queue's table, in every environment: the tests run the queue's path of an event with it.
    "django_tasks_db",
    # django-ninja: the API's docs page and its Swagger UI assets, served from local static files (no CDN)
    "ninja",
    "vendorcollab.common",
    "vendorcollab.accounts",
    "vendorcollab.partners",
    "vendorcollab.purchasing",
    "vendorcollab.consignment",
    "vendorcollab.workspace",
    "vendorcollab.interop",
    "vendorcollab.invoicing",
    "vendorcollab.shipping",
    "vendorcollab.performance",
    "vendorcollab.notifications",
    "vendorcollab.audit",
    "vendorcollab.api",
    "vendorcollab.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files and the favicon, answered before sessions, sign-in or the two-factor set-up are looked at.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vendorcollab.common.security.ContentSecurityPolicyMiddleware",
    # Before anything reads a body: an oversized one is a 413 (vendorcollab.common.request_limits).
    "vendorcollab.common.request_limits.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vendorcollab.accounts.middleware.UserLanguageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "vendorcollab.accounts.mfa.MFARequiredMiddleware",
    "vendorcollab.common.middleware.NotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Benchmarking (`make bench`, `make soak`, and the servers they start): the bench app and its management commands
# (bench_data, bench_run, bench_soak) are installed, and every response reports its query count. A product
# installation has neither; the bench tests install the app for themselves (bench/tests/conftest.py).
BENCH = env_bool("VENDORCOLLAB_BENCH", False)
if BENCH:
    INSTALLED_APPS.append("bench")
    MIDDLEWARE.insert(0, "bench.instrumentation.QueryCountMiddleware")

ROOT_URLCONF = "vendorcollab.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "vendorcollab" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "vendorcollab.common.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "vendorcollab.wsgi.application"

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'vendorcollab.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two writers queue instead of failing half-way
    # with "database is locked"; that is what makes "exactly one of two concurrent answers wins" hold on SQLite.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests run on a file, not in memory, so that the concurrency tests can open a second connection.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    # The covering indexes (INCLUDE columns) are for PostgreSQL; SQLite uses them as plain indexes, which is all a
    # development database needs. Without this, every `make run` starts with a warning about it.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound on the server, so that psycopg can prepare a statement the connection runs again and again
    # (after DATABASE_PREPARE_THRESHOLD runs; 0 turns preparing off, as a transaction-pooling pgbouncer before 1.21
    # needs). PostgreSQL then parses and plans the ORM's wide statements once per connection rather than once per
    # request: the PO loop measured a fifth faster. psycopg keeps at most 100 prepared per connection.
    prepare_threshold = env_int("DATABASE_PREPARE_THRESHOLD", 2)
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": prepare_threshold if prepare_threshold > 0 else None,
    }

if os.environ.get("TEST_DATABASE_NAME"):
    # Lets two test runs share one PostgreSQL server without dropping each other's test database.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ["TEST_DATABASE_NAME"]

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, reading a session's user with its roles and vendor accounts in one statement
# (``accounts.backends``). A session names the backend that signed it in: sessions of the plain classes, from before
# these, end once (the user signs in again).
AUTHENTICATION_BACKENDS = [
    "vendorcollab.accounts.backends.UsernameBackend",
    "vendorcollab.accounts.backends.UsernameOrEmailBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
# django-allauth: sign in with username or e-mail; accounts are created by the buyer, never by sign-up.
# accounts.adapter's, plus a rule of two-factor authentication (see vendorcollab.accounts.mfa).
ACCOUNT_ADAPTER = "vendorcollab.accounts.mfa.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_SESSION_REMEMBER = None
# Failed sign-ins (the sign-in page and POST /api/v1/auth/token alike) are counted per IP address and per login;
# past the limit even the right password is refused until the window has passed. allauth counts in the cache, so
# several app servers must share one (CACHE_BACKEND=database, the production default).
ACCOUNT_RATE_LIMITS = {"login_failed": os.environ.get("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/5m/key")}

# Two-factor authentication (django-allauth MFA): an authenticator app (TOTP) with recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "vendorcollab.accounts.mfa.MFAAdapter"
# One key per set-up, kept until the app is activated: allauth's form makes a new one at every view of the page.
MFA_FORMS = {"activate_totp": "vendorcollab.accounts.mfa.ActivateTOTPForm"}
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "vendorcollab")
# Users holding any of these roles must set up an authenticator app before they can do anything else, and their API
# tokens are refused until they have. Empty (MFA_REQUIRED_ROLES=) switches the requirement off.
MFA_REQUIRED_ROLES = tuple(env_list("MFA_REQUIRED_ROLES", "procurement_admin,vendor_admin"))

# Argon2 first: new passwords are hashed with it, older hashes are upgraded at the user's next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds what must be shared by every app server: failed sign-in counts and TOTP codes already used (a
# code works once). "database" uses tables that `migrate` makes (common/migrations/0002_cache_tables); "locmem" is
# per process (development).
CACHE_BACKEND = os.environ.get("CACHE_BACKEND", "locmem" if DEBUG else "database")
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "vendorcollab_cache"},
    }.get(CACHE_BACKEND)
    or {}
}
if not CACHES["default"]:
    raise ImproperlyConfigured(f"CACHE_BACKEND must be 'locmem' or 'database', not {CACHE_BACKEND!r}")
# Rendered PDFs (purchasing.documents), apart from the default cache so that thousands of documents never push out
# a sign-in throttle count. Keyed on the document's content, so an entry is never stale, only unused.
CACHES["documents"] = {
    **CACHES["default"],
    "TIMEOUT": env_int("DOCUMENT_CACHE_SECONDS", 30 * 24 * 3600),
    "OPTIONS": {"MAX_ENTRIES": env_int("DOCUMENT_CACHE_ENTRIES", 20_000)},
    # A table of its own in the database; a store of its own in memory.
    "LOCATION": "vendorcollab_document_cache" if CACHE_BACKEND == "database" else "documents",
}
# Fragments of busy pages (purchasing.fragments), keyed on a stamp of their content: per process, in memory.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    # A workspace fragment is 10 to 20 KB, a version's lines table 3 KB for 10 lines and 25 KB for 50: at most
    # about 25 MB per app process.
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

# The API's built purchase orders, kept per change of their PO (api.purchase_order_output): per process, in memory.
# An entry is a PO's lines as plain values (one PO's answers) or its JSON text (the list's pages), about 3 KB for 10
# lines and 14 KB for 50: some 10 to 30 MB per app process when full.
CACHES["api"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "api",
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# --- HTTP security -------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Origins (scheme and host) that may POST forms when they differ from the Host header, e.g. behind a proxy.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that sets X-Forwarded-Proto itself (and strips the client's): tells Django the request
    # came in over HTTPS, so that SECURE_SSL_REDIRECT does not loop.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    # Off by default: only the organisation knows whether every subdomain is served over HTTPS.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Sent on every HTML response (vendorcollab.common.security), in every environment so the tests see what production
# sends. Pages use only local files: no inline script, no inline style, no style attribute. A page that needs one
# inline block uses the per-response nonce, ``<style nonce="{{ request.csp_nonce }}">``.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)

# The organisation's language: for mail to a user who follows the browser and has no vendor account's language, and
# for a browser that asks for none of LANGUAGES.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be one of {list(dict(LANGUAGES))}, not {LANGUAGE_CODE!r}")
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates are day first with a 24-hour clock (en-GB: 06/12/2026, 14:30), as the buying organisation's Dutch
# and Belgian companies and their vendors read them. ENGLISH_DATE_STYLE=us keeps Django's American English
# (12/06/2026, 2:30 p.m.). Dutch always uses Django's nl formats.
ENGLISH_DATE_STYLE = os.environ.get("ENGLISH_DATE_STYLE", "gb").strip().lower()
if ENGLISH_DATE_STYLE not in {"gb", "us"}:
    raise ImproperlyConfigured(f"ENGLISH_DATE_STYLE must be gb or us, not {ENGLISH_DATE_STYLE!r}")
FORMAT_MODULE_PATH = ["vendorcollab.formats"] if ENGLISH_DATE_STYLE == "gb" else []
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# The app servers serve their own static files (WhiteNoise); a web server in front may, but need not. In production
# `manage.py collectstatic` writes each file under a name with its content's hash, gzip and Brotli copies beside it,
# and WhiteNoise sends those with a year-long, immutable Cache-Control. Without collected files (development, the
# tests, the benchmarks' throw-away servers: STATIC_COLLECTED=0) they are read from the apps' own directories; the
# manifest storage would refuse to render any page there.
STATIC_COLLECTED = env_bool("STATIC_COLLECTED", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_COLLECTED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
# collectstatic compresses every file it keeps, the plain-named copies too (an old page may link to one): not the
# 11 MB of source maps of the API's documentation pages, which only a developer's tools fetch. With them it took
# 38 s of CPU, over a minute of a deploy on a busy two-core machine (measured by the production smoke test).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
WHITENOISE_AUTOREFRESH = DEBUG
# Files served at the site's root: /favicon.ico, which browsers ask for on their own.
WHITENOISE_ROOT = BASE_DIR / "vendorcollab" / "common" / "root"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# The largest file a buyer or vendor may attach.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
# The kinds of file a buyer or vendor may attach, by extension; the content must match it (magic bytes, see
# purchasing.services.attachments), so that a program renamed to .pdf is refused too.
ATTACHMENT_ALLOWED_TYPES = [
    extension.lower().lstrip(".")
    for extension in env_list(
        "ATTACHMENT_ALLOWED_TYPES",
        "pdf,png,jpg,jpeg,gif,webp,tif,tiff,txt,csv,xml,doc,docx,xls,xlsx,ppt,pptx,odt,ods,odp,zip",
    )
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # raised below to fit the largest UBL document

# Every mail goes through the outgoing mail queue (vendorcollab.notifications.outbox), which hands it to this backend.
# Production sends over SMTP; development writes each mail to a file in var/mail/ (read them there, or in the admin's
# mail log), so a machine without a mail server shows no errors. EMAIL_BACKEND accepts a short name or a dotted path.
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
_email_backend = os.environ.get("EMAIL_BACKEND", "").strip() or ("file" if DEBUG else "smtp")
if _email_backend not in _EMAIL_BACKENDS and "." not in _email_backend:
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND must be one of {sorted(_EMAIL_BACKENDS)} or a dotted path, not {_email_backend!r}"
    )
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "vendorcollab@localhost")

# Background work (mail, webhooks) goes through the django-tasks interface. The default runs each task in-process
# right after the commit that queued it; production sets TASKS_BACKEND=database and runs `manage.py db_worker`.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
if TASKS_BACKEND not in ("immediate", "database"):
    raise ImproperlyConfigured(f"TASKS_BACKEND must be 'immediate' or 'database', not {TASKS_BACKEND!r}")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}

# Webhooks may go to loopback and private addresses (an ERP on the LAN); off, they go only to internet addresses.
# Link-local, cloud metadata, multicast and reserved addresses are refused either way (notifications.webhooks).
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)

# Where the portal is reached: links in mails point here.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# The largest UBL document accepted for import.
UBL_MAX_BYTES = env_int("UBL_MAX_BYTES", 10 * 1024 * 1024)
# A keyed (Idempotency-Key) import is hashed from the body in memory: the largest UBL document must fit.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(DATA_UPLOAD_MAX_MEMORY_SIZE, UBL_MAX_BYTES + 1024 * 1024)
# The largest request bodies (vendorcollab.common.request_limits): a UBL import may carry UBL_MAX_BYTES; any other
# API request, a JSON body read whole, API_MAX_BODY_BYTES; a page's form with its files PAGE_MAX_BODY_BYTES.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 2 * 1024 * 1024)
PAGE_MAX_BODY_BYTES = env_int("PAGE_MAX_BODY_BYTES", 5 * ATTACHMENT_MAX_BYTES)
# How long an invitation link for a new user works.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)

# Numbers given to purchase orders created without one: PO-000001, PO-000002, ...
PURCHASE_ORDER_NUMBER_PREFIX = os.environ.get("PURCHASE_ORDER_NUMBER_PREFIX", "PO-")
REPLENISHMENT_NUMBER_PREFIX = os.environ.get("REPLENISHMENT_NUMBER_PREFIX", "RO-")
OWNERSHIP_CHANGE_NUMBER_PREFIX = os.environ.get("OWNERSHIP_CHANGE_NUMBER_PREFIX", "OC-")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-tasks logs two INFO lines for every task (running, successful): hundreds for one demo load. A task that
    # fails is still logged (ERROR), and the mail log and the webhook delivery log keep every attempt.
    "loggers": {"django_tasks": {"level": os.environ.get("TASKS_LOG_LEVEL", "WARNING")}},
}
