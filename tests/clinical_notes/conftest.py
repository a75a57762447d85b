import pytest
import time_machine

from tests.clinical_notes.builders import AFTER_GROUP
from tests.daily import NOON, ordinary_day


@pytest.fixture
def clock_at():
    """The clock stands still at NOON (Wednesday 2026-03-04, 12:00 in Chicago); tests move
    it with ``clock_at.move_to(...)``."""
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def day(db, clock_at):
    """An ordinary day (tests/daily.py), with the clock moved to just after the group."""
    built = ordinary_day()
    clock_at.move_to(AFTER_GROUP)
    return built
