"""The one place OpenIOP reads its environment.

Every setting that differs between machines comes from an environment variable read here,
so ``config/settings.py`` stays declarative and a reviewer can see every knob in one file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


class Profile(StrEnum):
    """Which kind of deployment this process is.

    development: DEBUG on, a random key per process.
    demo: the seeded synthetic program on localhost; DEBUG off; MFA optional (shown, not forced).
    test: the automated suite.
    production: DEBUG off; SECRET_KEY, DATABASE_URL and ALLOWED_HOSTS are required.
    """

    DEVELOPMENT = "development"
    DEMO = "demo"
    TEST = "test"
    PRODUCTION = "production"


def _flag(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def _int(name: str, *, default: int, minimum: int = 1, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from exc
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ImproperlyConfigured(f"{name} must be {bound}; got {value}.")
    return value


@dataclass(frozen=True, slots=True)
class Environment:
    profile: Profile
    debug: bool
    secret_key: str
    database_url: str
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    require_mfa: bool
    idle_timeout_seconds: int
    absolute_session_seconds: int
    secure_transport: bool


def read() -> Environment:
    """Read and validate the environment once; raise ImproperlyConfigured on anything unsafe."""
    try:
        profile = Profile(os.environ.get("OPENIOP_ENV", Profile.DEVELOPMENT))
    except ValueError as exc:
        choices = ", ".join(p.value for p in Profile)
        raise ImproperlyConfigured(f"OPENIOP_ENV must be one of {choices}.") from exc

    debug = profile is Profile.DEVELOPMENT
    secret_key = os.environ.get("SECRET_KEY", "")
    if not secret_key:
        if profile is Profile.PRODUCTION or profile is Profile.DEMO:
            raise ImproperlyConfigured(
                "SECRET_KEY is required outside development and test (make demo generates one)."
            )
        # A fresh random key per process: nothing signed survives a restart, which is
        # the point: there is no default secret anywhere.
        secret_key = get_random_secret_key()

    default_db = f"sqlite:///{BASE_DIR / 'var' / 'openiop.sqlite3'}"
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        if profile is Profile.PRODUCTION:
            raise ImproperlyConfigured("DATABASE_URL is required in production.")
        database_url = default_db
        (BASE_DIR / "var").mkdir(exist_ok=True)

    hosts_raw = os.environ.get("ALLOWED_HOSTS", "")
    if profile is Profile.PRODUCTION and not hosts_raw:
        raise ImproperlyConfigured("ALLOWED_HOSTS is required in production (comma-separated).")
    allowed_hosts = [h.strip() for h in hosts_raw.split(",") if h.strip()] or [
        "127.0.0.1",
        "localhost",
    ]
    origins_raw = os.environ.get("CSRF_TRUSTED_ORIGINS", "")
    csrf_trusted_origins = [o.strip() for o in origins_raw.split(",") if o.strip()]

    return Environment(
        profile=profile,
        debug=debug,
        secret_key=secret_key,
        database_url=database_url,
        allowed_hosts=allowed_hosts,
        csrf_trusted_origins=csrf_trusted_origins,
        require_mfa=_flag("OPENIOP_REQUIRE_MFA", default=profile is not Profile.DEMO),
        # Shared clinic workstations: at most 30 idle minutes and 12 hours in all (security.md
        # R06; NIST SP 800-63B AAL2).
        idle_timeout_seconds=_int("OPENIOP_IDLE_TIMEOUT_MINUTES", default=15, maximum=30) * 60,
        absolute_session_seconds=_int("OPENIOP_SESSION_MAX_HOURS", default=12, maximum=12) * 3600,
        secure_transport=profile is Profile.PRODUCTION,
    )
