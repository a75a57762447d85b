"""Attendance reaches the bill: which days are service days (openiop.billing.service_days)."""

import pytest

from openiop.billing.service_days import service_dates_by_episode
from tests.billing.scenarios import ADMITTED, DAY, at, attended, scenario, sessions_on, weekdays

pytestmark = pytest.mark.django_db


def test_a_past_day_counts_only_with_an_attended_record():
    # given sessions Monday to Friday: present, present, absent, unrecorded, telehealth
    s = scenario()
    days = weekdays(ADMITTED, 5)
    with at(ADMITTED):
        mon, tue, wed, _thu, fri = sessions_on(s, days)
    attended(s, [mon])
    attended(s, [tue], "present")
    attended(s, [wed], "absent_excused")
    attended(s, [fri], "telehealth")
    # when a week later
    with at(ADMITTED + 7 * DAY):
        found = service_dates_by_episode([s.episode], start=ADMITTED, end=ADMITTED + 6 * DAY)
    # then the absence and the unrecorded day are not service days
    assert found == {s.episode.pk: [days[0], days[1], days[4]]}


def test_today_and_later_count_while_planned_but_not_once_recorded_absent():
    s = scenario()
    days = weekdays(ADMITTED, 3)
    with at(ADMITTED):
        today, tomorrow, later = sessions_on(s, days, hour=10)
    with at(ADMITTED):
        assert service_dates_by_episode([s.episode], start=ADMITTED, end=days[2]) == {
            s.episode.pk: days
        }
    attended(s, [today], "absent_unexcused")
    with at(ADMITTED):
        assert service_dates_by_episode([s.episode], start=ADMITTED, end=days[2]) == {
            s.episode.pk: days[1:]
        }
    assert tomorrow.pk != later.pk


def test_one_attended_session_makes_the_day_even_with_another_absence():
    s = scenario()
    with at(ADMITTED):
        morning, afternoon = (
            *sessions_on(s, [ADMITTED], hour=9),
            *sessions_on(s, [ADMITTED], hour=14),
        )
    attended(s, [morning], "absent_unexcused")
    with at(ADMITTED + 3 * DAY):
        assert service_dates_by_episode([s.episode], start=ADMITTED, end=ADMITTED) == {
            s.episode.pk: []
        }
    attended(s, [afternoon], "present")
    with at(ADMITTED + 3 * DAY):
        assert service_dates_by_episode([s.episode], start=ADMITTED, end=ADMITTED) == {
            s.episode.pk: [ADMITTED]
        }


def test_an_evening_session_in_los_angeles_is_billed_on_its_local_date():
    s = scenario(tz="America/Los_Angeles")
    with at(ADMITTED):
        (evening,) = sessions_on(s, [ADMITTED], hour=17)  # 17:00 PST is 01:00 UTC next day
    attended(s, [evening])
    with at(ADMITTED + 5 * DAY):
        found = service_dates_by_episode([s.episode], start=ADMITTED, end=ADMITTED + DAY)
    assert evening.starts_at.date() == ADMITTED + DAY
    assert found == {s.episode.pk: [ADMITTED]}


def test_service_days_take_one_query_for_many_episodes(django_assert_num_queries):
    episodes = []
    for _ in range(3):
        s = scenario()
        with at(ADMITTED):
            made = sessions_on(s, weekdays(ADMITTED, 2))
        attended(s, made[:1])
        episodes.append(s.episode)
    with at(ADMITTED + 7 * DAY), django_assert_num_queries(1):
        found = service_dates_by_episode(episodes, start=ADMITTED, end=ADMITTED + 6 * DAY)
    assert all(days == [ADMITTED] for days in found.values())
