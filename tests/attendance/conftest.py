import pytest
import time_machine

from tests.daily import NOON, ordinary_day


@pytest.fixture
def at_noon():
    """The clock stands still at NOON (Wednesday 2026-03-04, 12:00 in Chicago)."""
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def day(db, at_noon):
    return ordinary_day()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, as in tests/browser (never a downloaded browser)."""
    from openiop.devtools.chromium import CHROMIUM, CHROMIUM_ARGS

    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _password_only_sign_in(request, settings):
    """Browser journeys sign in with a password; MFA is covered in tests/accounts."""
    if request.node.get_closest_marker("browser"):
        settings.OPENIOP_REQUIRE_MFA = False
