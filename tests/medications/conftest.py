from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from tests.daily import NOON, Day, ordinary_day


@pytest.fixture
def noon() -> Iterator[None]:
    """Wednesday 2026-03-04, 12:00 in Chicago (TODAY), with the clock stopped."""
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def day(noon: None, db: None) -> Day:
    """tests.daily's ordinary day: four admitted patients in one cohort, today's group run
    by the facilitator (the cohort has no usual facilitator)."""
    return ordinary_day()
