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
