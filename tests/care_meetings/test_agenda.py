"""The agenda builder with real data: each reason from the rows its rule reads, the order
of the agenda, and a fixed number of queries whatever the number of patients."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engines.relapse import ComponentCode
from openiop.attendance.services import attendance_policy_set
from openiop.care_meetings.agenda import build_agenda, severity_key, week_start_of
from openiop.care_meetings.services import care_meeting_open
from openiop.measures.models import Timepoint
from openiop.measures.services import schedule_set
from openiop.patients.models import Phase
from tests.care_meetings.builders import (
    DAY,
    admit,
    answer,
    attendance_pattern,
    ending_authorization,
    goals_met_plan,
    group_on,
    individual_on,
    make_part2,
    measure_schedule,
    phq9,
    phq9_course,
    positive_screen,
    record,
)
from tests.daily import TODAY, local, ordinary_day
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db

MONDAY = week_start_of(TODAY)
PHQ9_ONLY = [("phq9", Timepoint.INTAKE), ("phq9", Timepoint.WEEKLY)]


def _agenda(day):
    return build_agenda(day.program, week_start=MONDAY)


def _reasons(agenda):
    return {e.episode.pk: {r["code"]: r for r in e.reasons} for e in agenda.entries}


def _fired(reason):
    return {c["code"] for c in reason["components"] if c["fired"]}


def test_a_quiet_program_has_nothing_on_its_agenda(day):
    agenda = _agenda(day)

    assert agenda.entries == []
    assert agenda.considered == 4
    assert agenda.today == TODAY


def test_an_open_safety_alert_fires_the_relapse_signal_with_every_component_shown(day):
    # given: weekly questionnaires nobody answered, and one intake PHQ-9 with item 9 > 0
    measure_schedule(day)
    alerted = day.episodes[1]
    recorded = answer(
        alerted, phq9(11, item9=1), due_on=alerted.admitted_on, timepoint=Timepoint.INTAKE
    )
    assert recorded.alert is not None

    # when
    agenda = _agenda(day)

    # then: only the alerted patient; the others' missed questionnaires alone do not fire
    assert [e.episode.pk for e in agenda.entries] == [alerted.pk]
    relapse = _reasons(agenda)[alerted.pk]["functional_relapse"]
    assert _fired(relapse) == {"open_safety_alert", "missed_questionnaires"}
    assert relapse["score"] == 3
    assert relapse["fire_at"] == 2
    assert [c["code"] for c in relapse["components"]] == [c.value for c in ComponentCode]
    missed = next(c for c in relapse["components"] if c["code"] == "missed_questionnaires")
    # PHQ-9 and GAD-7 weekly, due 2026-02-23 and 2026-03-02, all unanswered.
    assert (missed["value"], missed["threshold"], missed["fired"]) == (4, 2, True)
    attendance = next(c for c in relapse["components"] if c["code"] == "attendance_drop")
    assert attendance["value"] is None
    assert attendance["explanation"].startswith("Not judged")


def test_reliable_deterioration_alone_fires_the_signal(day):
    schedule_set(actor=SYSTEM, program=day.program, entries=PHQ9_ONLY)
    worse = day.episodes[2]
    answer(worse, phq9(6), due_on=worse.admitted_on, timepoint=Timepoint.INTAKE)
    answer(worse, phq9(14), due_on=TODAY - 2 * DAY)  # the weekly due on Monday 2026-03-02

    agenda = _agenda(day)

    assert [e.episode.pk for e in agenda.entries] == [worse.pk]
    relapse = _reasons(agenda)[worse.pk]["functional_relapse"]
    assert _fired(relapse) == {"reliable_deterioration"}
    component = next(c for c in relapse["components"] if c["code"] == "reliable_deterioration")
    assert "PHQ-9: Reliably worse than baseline (6 → 14" in component["explanation"]


def test_a_positive_screen_and_a_missed_individual_session_together_fire(day):
    # given: a substance-use program
    make_part2(day)
    both, screen_only = day.episodes[0], day.episodes[1]
    positive_screen(day, both, TODAY - 3 * DAY)
    individual_on(day, TODAY - 5 * DAY, both)  # ended, nothing recorded: missed
    positive_screen(day, screen_only, TODAY - 4 * DAY)
    attended = individual_on(day, TODAY - 6 * DAY, screen_only)
    record(attended, screen_only, "present")
    old = individual_on(day, TODAY - 20 * DAY, screen_only)  # outside the 14 days

    # when
    agenda = _agenda(day)

    # then
    assert [e.episode.pk for e in agenda.entries] == [both.pk]
    relapse = _reasons(agenda)[both.pk]["functional_relapse"]
    assert _fired(relapse) == {"positive_screens", "missed_individual_sessions"}
    assert old.participants.get().episode == screen_only


def test_today_s_individual_session_not_yet_over_is_not_missed(day):
    make_part2(day)
    positive_screen(day, day.episodes[0], TODAY)  # episodes[0] has the 15:00 session today

    assert _agenda(day).entries == []


def test_attendance_falling_against_the_patient_s_own_baseline(day):
    # given: admitted 2026-01-19, 90 minutes a week for four weeks, then half of that
    episode = admit(day, dt.date(2026, 1, 19), phase=Phase.CORE)
    attendance_pattern(
        day,
        episode,
        {
            dt.date(2026, 1, 21): "present",
            dt.date(2026, 1, 28): "present",
            dt.date(2026, 2, 4): "present",
            dt.date(2026, 2, 11): "present",
            dt.date(2026, 2, 18): "present",
            dt.date(2026, 2, 25): "absent_unexcused",
        },
    )
    individual_on(day, TODAY - 2 * DAY, episode)  # and a missed individual session

    # when
    agenda = _agenda(day)

    # then
    relapse = _reasons(agenda)[episode.pk]["functional_relapse"]
    assert _fired(relapse) == {"attendance_drop", "missed_individual_sessions"}
    drop = next(c for c in relapse["components"] if c["code"] == "attendance_drop")
    assert (drop["value"], drop["threshold"], drop["unit"]) == (50.0, 30.0, "%")
    assert "45 attended minutes a week in the last 14 days against 90" in drop["explanation"]


def test_an_authorization_ending_within_seven_days(day):
    ending, later = day.episodes[2], day.episodes[3]
    ending_authorization(day, ending, ends=TODAY + 3 * DAY)
    ending_authorization(day, later, ends=TODAY + 30 * DAY)

    reasons = _reasons(_agenda(day))

    assert set(reasons) == {ending.pk}
    reason = reasons[ending.pk]["authorization_ending"]
    assert "Approval ends on 2026-03-07." in reason["detail"]
    assert reason["detail"].startswith("Prairie Health (Intensive outpatient (IOP))")


def test_an_open_attendance_review(day):
    attendance_policy_set(
        actor=SYSTEM,
        program=day.program,
        name="2 unexcused absences in 30 days",
        statuses=["absent_unexcused"],
        threshold=2,
        window_days=30,
    )
    episode = day.episodes[3]
    attendance_pattern(
        day,
        episode,
        {TODAY - 7 * DAY: "absent_unexcused", TODAY - 6 * DAY: "absent_unexcused"},
    )

    reason = _reasons(_agenda(day))[episode.pk]["attendance_review"]

    assert reason["detail"].startswith("2 unexcused absences in 30 days: 2 between")


def test_a_phase_transition_due_when_the_phase_is_behind_the_week(day):
    behind = admit(day, dt.date(2026, 1, 19))  # week 7, still in stabilization
    on_time = admit(day, dt.date(2026, 1, 19), phase=Phase.CORE)

    reasons = _reasons(_agenda(day))

    assert set(reasons) == {behind.pk}
    reason = reasons[behind.pk]["phase_transition_due"]
    assert (reason["week"], reason["phase"], reason["expected"]) == (7, "stabilization", "core")
    assert on_time.pk not in reasons


def test_discharge_readiness_when_the_plan_s_goals_are_met(day):
    episode = day.episodes[1]
    goals_met_plan(day, episode)

    reason = _reasons(_agenda(day))[episode.pk]["discharge_readiness"]

    assert reason["goals_met"] is True
    assert reason["plateaus"] == []


def test_discharge_readiness_on_a_plateau(day):
    schedule_set(actor=SYSTEM, program=day.program, entries=PHQ9_ONLY)
    episode = admit(day, dt.date(2026, 1, 5), phase=Phase.CORE)  # week 9
    phq9_course(episode, [16, 14, 13, 12, 12, 13, 12, 12, 12])

    reasons = _reasons(_agenda(day))[episode.pk]

    assert set(reasons) == {"discharge_readiness"}
    reason = reasons["discharge_readiness"]
    assert (reason["goals_met"], reason["plateaus"]) == (False, ["phq9"])
    assert "Plateau: PHQ-9 12 → 12 over the last 28 days (5 scores)" in reason["detail"]


def test_new_admissions_of_the_last_seven_days_without_an_earlier_meeting(day):
    new = admit(day, TODAY - 2 * DAY)

    reasons = _reasons(_agenda(day))

    assert set(reasons) == {new.pk}
    assert reasons[new.pk]["new_admission"]["detail"] == (
        "Admitted on 2026-03-02 (in the last 7 days)."
    )


def test_new_admissions_since_the_previous_meeting_s_week(day, at_noon):
    # given: last week's meeting (week of 2026-02-23), opened on Friday 2026-02-27
    before = admit(day, dt.date(2026, 2, 20))
    at_noon.move_to(local(12, day=dt.date(2026, 2, 27)))
    care_meeting_open(actor=SYSTEM, program=day.program, by=day.tiny.director)
    at_noon.move_to(local(12))
    after = admit(day, dt.date(2026, 2, 24))  # more than 7 days ago, but in that week

    reasons = _reasons(_agenda(day))

    assert set(reasons) == {after.pk}
    assert reasons[after.pk]["new_admission"]["detail"] == (
        "Admitted on 2026-02-24 (since the last meeting)."
    )
    assert before.pk not in reasons


def test_the_agenda_puts_safety_first_then_the_relapse_signal_then_the_rest(day):
    schedule_set(actor=SYSTEM, program=day.program, entries=PHQ9_ONLY)
    ending, worse, alerted = day.episodes[0], day.episodes[1], day.episodes[3]
    new = admit(day, TODAY - DAY)
    ending_authorization(day, ending, ends=TODAY + 2 * DAY)
    answer(worse, phq9(6), due_on=worse.admitted_on, timepoint=Timepoint.INTAKE)
    answer(worse, phq9(15), due_on=TODAY - 2 * DAY)
    answer(alerted, phq9(8, item9=1), due_on=alerted.admitted_on, timepoint=Timepoint.INTAKE)

    agenda = _agenda(day)

    assert [e.episode.pk for e in agenda.entries] == [alerted.pk, worse.pk, ending.pk, new.pk]
    keys = [severity_key(e.reasons) for e in agenda.entries]
    assert keys == sorted(keys)


def _busy(name, patients):
    """A Part 2 program where every kind of row the builder reads exists."""
    day = ordinary_day(name, patients=patients)
    make_part2(day)
    measure_schedule(day)
    attendance_policy_set(
        actor=SYSTEM,
        program=day.program,
        name="1 unexcused absence in 30 days",
        statuses=["absent_unexcused"],
        threshold=1,
        window_days=30,
    )
    past = group_on(day, TODAY - 7 * DAY, day.episodes)
    for n, episode in enumerate(day.episodes):
        assert episode.admitted_on is not None
        answer(episode, phq9(9, item9=n % 2), due_on=episode.admitted_on, timepoint="intake")
        positive_screen(day, episode, TODAY - DAY)
        individual_on(day, TODAY - (3 + n // 3) * DAY, episode, hour=7 + n % 3)
        record(past, episode, "present" if n % 3 else "absent_unexcused")
    ending_authorization(day, day.episodes[0], ends=TODAY + 2 * DAY)
    goals_met_plan(day, day.episodes[1])
    return day


BUILDER_QUERIES = 12


def test_the_builder_runs_a_fixed_number_of_queries_whatever_the_number_of_patients(
    django_assert_num_queries,
):
    with time_machine.travel(local(12), tick=False):
        small, large = _busy("Small IOP", 2), _busy("Large IOP", 7)
        counts = []
        for day in (small, large):
            with CaptureQueriesContext(connection) as queries:
                agenda = build_agenda(day.program, week_start=MONDAY)
            counts.append(len(queries))
            assert len(agenda.entries) == len(day.episodes)
        with django_assert_num_queries(BUILDER_QUERIES):
            build_agenda(large.program, week_start=MONDAY)

    assert counts == [BUILDER_QUERIES, BUILDER_QUERIES]
