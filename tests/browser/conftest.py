"""Browser tests drive Debian's chromium (never a downloaded browser) through Playwright."""

from typing import Any

import pytest

from openiop.devtools.chromium import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _password_only_sign_in(settings: Any) -> None:
    """The journeys sign in with a password; MFA itself is covered in tests/accounts.

    The live server runs in another thread of this process, so the override applies there.
    """
    settings.OPENIOP_REQUIRE_MFA = False
