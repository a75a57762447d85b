import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.urls import reverse

from config import env
from openiop.accounts.roles import ProgramRole
from tests.factories import login, program_setup, staff


def _clear(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "OPENIOP_REQUIRE_MFA"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(monkeypatch, missing):
    _clear(monkeypatch)
    monkeypatch.setenv("OPENIOP_ENV", "production")
    values = {
        "SECRET_KEY": "k" * 60,
        "DATABASE_URL": "postgres://x@y/z",
        "ALLOWED_HOSTS": "a.example",
    }
    for name, value in values.items():
        if name != missing:
            monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=missing):
        env.read()


def test_production_defaults_are_safe(monkeypatch):
    _clear(monkeypatch)
    monkeypatch.setenv("OPENIOP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 60)
    monkeypatch.setenv("DATABASE_URL", "postgres://x@y/z")
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example")
    read = env.read()
    assert (read.debug, read.require_mfa, read.secure_transport) == (False, True, True)
    assert read.idle_timeout_seconds == 15 * 60
    assert read.absolute_session_seconds == 12 * 3600


def test_development_gets_a_random_key_never_a_default(monkeypatch):
    _clear(monkeypatch)
    monkeypatch.setenv("OPENIOP_ENV", "development")
    assert env.read().secret_key != env.read().secret_key


def test_demo_needs_a_key_and_does_not_force_mfa(monkeypatch):
    _clear(monkeypatch)
    monkeypatch.setenv("OPENIOP_ENV", "demo")
    with pytest.raises(ImproperlyConfigured):
        env.read()
    monkeypatch.setenv("SECRET_KEY", "k" * 60)
    assert env.read().require_mfa is False


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OPENIOP_ENV", "staging"),
        ("OPENIOP_REQUIRE_MFA", "perhaps"),
        ("OPENIOP_IDLE_TIMEOUT_MINUTES", "0"),
    ],
)
def test_bad_environment_values_get_a_clear_error(monkeypatch, name, value):
    _clear(monkeypatch)
    monkeypatch.setenv("OPENIOP_ENV", "development")
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        env.read()


@pytest.mark.django_db
def test_sqlite_runs_with_wal_full_sync_and_foreign_keys():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA journal_mode")
        # The test database lives in memory, where SQLite reports "memory"; files get WAL.
        assert cursor.fetchone()[0] in {"wal", "memory"}


@pytest.mark.django_db
def test_authenticated_pages_are_not_cached_and_carry_a_strict_csp(client):
    ps = program_setup()
    login(client, staff(ProgramRole.THERAPIST, ps.program))
    response = client.get(reverse("patients:list"))
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_client_cannot_choose_the_request_id_in_the_audit(client):
    ps = program_setup()
    login(client, staff(ProgramRole.THERAPIST, ps.program))
    response = client.get(reverse("patients:list"), headers={"X-Request-ID": "forged-id-123456"})
    assert response["X-Request-ID"] != "forged-id-123456"


@pytest.mark.parametrize(
    ("name", "value"), [("OPENIOP_IDLE_TIMEOUT_MINUTES", "31"), ("OPENIOP_SESSION_MAX_HOURS", "13")]
)
def test_session_limits_cannot_be_loosened_past_the_policy(monkeypatch, name, value):
    _clear(monkeypatch)
    monkeypatch.setenv("OPENIOP_ENV", "development")
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        env.read()
