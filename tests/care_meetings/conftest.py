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
