"""The shared ordinary-day builder holds what its docstring promises."""

import pytest
import time_machine

from tests.daily import NOON, TODAY, ordinary_day


@pytest.mark.django_db
def test_an_ordinary_day_has_a_group_of_the_whole_cohort_and_one_individual_session():
    with time_machine.travel(NOON, tick=False):
        day = ordinary_day()
    assert day.group.participants.count() == 4
    assert day.individual.participants.get().episode == day.episodes[0]
    assert day.group.starts_at.astimezone(day.program.zone).date() == TODAY
    assert {e.cohort_id for e in day.episodes} == {day.tiny.cohort.pk}
