import os

import pytest
from hypothesis import settings as hypothesis_settings

# Playwright's sync API runs an event loop in the test thread (stack.md §1).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The suite is deterministic: property tests draw the same examples on every run, so CI
# never fails on an example nobody has seen. To hunt for new counterexamples, run with
# HYPOTHESIS_PROFILE=explore (random examples); turn each find into a plain regression test.
hypothesis_settings.register_profile("deterministic", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _audit_table_flushable(request: pytest.FixtureRequest):
    """Transactional tests end with a flush (DELETE/TRUNCATE of every table), which the
    append-only triggers rightly refuse. Around such tests only: install the triggers at
    the start (a previous test may have dropped them) and drop them just before the flush.
    Ordinary tests run inside a rolled-back transaction and never need this."""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from openiop.audit import triggers

    triggers.install(connection)
    yield
    triggers.drop(connection)


# --- Browser journeys (any directory): Debian's chromium, password-only sign-in ----------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, never a downloaded browser (stack.md)."""
    from openiop.devtools.chromium import CHROMIUM, CHROMIUM_ARGS

    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _password_only_sign_in(request, settings):
    """Browser journeys sign in with a password; MFA itself is covered in tests/accounts.
    The live server runs in another thread of this process, so the override applies there."""
    if request.node.get_closest_marker("browser"):
        settings.OPENIOP_REQUIRE_MFA = False


# --- Daily operations: an ordinary day (tests/daily.py) at noon --------------------------


@pytest.fixture
def at_noon():
    """The clock stands still at NOON (Wednesday 2026-03-04, 12:00 in Chicago)."""
    import time_machine

    from tests.daily import NOON

    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def day(db, at_noon):
    """tests/daily.py's ordinary day: four admitted patients in one cohort, today's group
    and one individual session."""
    from tests.daily import ordinary_day

    return ordinary_day()
