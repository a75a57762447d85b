"""Django settings for OpenIOP. Wiring only: every machine-specific value comes from config.env."""

from __future__ import annotations

from datetime import timedelta

import dj_database_url
from django.utils.csp import CSP

from config import env as environment

ENV = environment.read()
BASE_DIR = environment.BASE_DIR

DEBUG = ENV.debug
SECRET_KEY = ENV.secret_key
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins
OPENIOP_PROFILE = ENV.profile.value

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "openiop.accounts.adminconfig.OpenIOPAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks_db",
    "openiop.core",
    "openiop.audit",
    "openiop.accounts",
    "openiop.programs",
    "openiop.patients",
    "openiop.measures",
    "openiop.scheduling",
    "openiop.calendars",
    "openiop.attendance",
    "openiop.treatment_plans",
    "openiop.safety_plans",
    "openiop.clinical_notes",
    "openiop.medications",
    "openiop.consents",
    "openiop.billing",
    "openiop.admissions",
    "openiop.care_meetings",
    "openiop.dashboard",
    "openiop.portal",
    "openiop.devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "openiop.core.middleware.RequestIdMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "openiop.accounts.middleware.SessionLifetimeMiddleware",
    "openiop.accounts.middleware.AccessPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "openiop.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "openiop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "openiop.accounts.context_processors.principal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite: WAL for concurrent readers, synchronous=FULL so a committed write survives power
# loss (security.md A11, R31), IMMEDIATE transactions so writers queue instead of failing
# with "database is locked". Foreign keys are enforced by Django's SQLite backend itself.
DATABASES = {"default": dj_database_url.parse(ENV.database_url, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "openiop.accounts.backends.CaseInsensitiveModelBackend",
]
# Argon2id first (OWASP ASVS 5.0 11.4.2 preference); PBKDF2 kept so older hashes verify and
# are upgraded on the next login. See docs/decisions/0003-passwords-and-sessions.md.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "openiop.accounts.passwords.ContextWordValidator"},
    {"NAME": "openiop.accounts.passwords.MaximumLengthValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

# Login throttling (django-axes): 10 failures per username within the cool-off window lock
# that username for 15 minutes. That caps an account at 40 failures an hour (ASVS 4.0.3
# 2.2.1 allows 100) and the lock lifts by itself, so an attacker cannot lock a clinician
# out for good. Attempts for unknown usernames are counted the same way, so a locked
# response never reveals whether an account exists.
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "openiop.accounts.identity.username_from_request"
AXES_VERBOSE = False
# axes.W006 asks for per-IP lockout. A clinic's staff share one NAT address, so an IP lock
# would let one mistyping user (or an attacker) lock out the whole clinic; the per-username
# counter cannot be bypassed by rotating user agents or cookies, which is what W006 guards.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OPENIOP_REQUIRE_MFA = ENV.require_mfa
OTP_TOTP_ISSUER = "OpenIOP"
OTP_TOTP_THROTTLE_FACTOR = 1
# Never show TOTP keys or QR codes in the admin, not even to system admins.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions: idle and absolute limits are enforced server-side in
# openiop.accounts.middleware.SessionLifetimeMiddleware (ASVS 7.3.1/7.3.2, NIST 800-63B).
OPENIOP_IDLE_TIMEOUT_SECONDS = ENV.idle_timeout_seconds
OPENIOP_SESSION_MAX_SECONDS = ENV.absolute_session_seconds
SESSION_COOKIE_AGE = ENV.absolute_session_seconds
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Transport and headers ------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if ENV.secure_transport:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "openiop" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if ENV.debug or ENV.profile is environment.Profile.TEST
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Locale and time ------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Logging: application logs never carry PHI, passwords or tokens -------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "openiop.core.logfilters.RedactingFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Django's request logger would echo paths and query strings of failed requests.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
ADMINS: list[tuple[str, str]] = []
