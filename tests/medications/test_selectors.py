"""The reads other contexts use (today view, care-team meeting) and the chart's: right rows,
fixed query counts whatever the number of rows."""

from __future__ import annotations

import pytest

from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_revoke
from openiop.medications import services
from openiop.medications.models import MedicationWatch
from openiop.medications.selectors import (
    active_watches_for,
    group_facilitator_ids,
    medication_chart,
    medication_list,
    positive_screens,
    watch_day,
    watches_by_episode,
)
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.scheduling.models import SessionKind
from openiop.scheduling.services import session_create
from tests.daily import TODAY, Day, local
from tests.factories import SYSTEM, staff
from tests.medications.scenarios import DAY, change, screen, start, substance_use
from tests.scheduling.builders import admit, clinician

pytestmark = pytest.mark.django_db


def test_the_list_puts_current_medications_first_with_their_history(
    day: Day, django_assert_num_queries
):
    # given two current medications and two stopped ones, one with changes
    episode = day.episodes[0]
    zoloft = start(day, drug="sertraline", started_on=TODAY - 30 * DAY)
    change(day, zoloft, effective_on=TODAY - 20 * DAY)
    change(day, zoloft, dose="150 mg", effective_on=TODAY - 10 * DAY)
    bupropion = start(day, drug="Bupropion XL", started_on=TODAY - 5 * DAY)
    for drug, stopped in (("Trazodone", TODAY - 3 * DAY), ("Hydroxyzine", TODAY - DAY)):
        medication = start(day, drug=drug, started_on=TODAY - 9 * DAY)
        services.medication_stop(
            actor=SYSTEM,
            medication=medication,
            by=day.tiny.prescriber,
            stopped_on=stopped,
            reason="Not needed",
        )
    # when the list is read, then in two queries
    with django_assert_num_queries(2):
        medications = medication_list(episode)
        history = {m.drug: [c.kind for c in m.changes.all()] for m in medications}
        names = [c.changed_by.last_name for m in medications for c in m.changes.all()]
        prescribers = {m.prescriber.last_name for m in medications}
    assert [m.drug for m in medications] == [
        "Bupropion XL",
        "sertraline",
        "Hydroxyzine",
        "Trazodone",
    ]
    assert history["sertraline"] == ["started", "changed", "changed"]
    assert set(names) == prescribers == {day.tiny.prescriber.last_name}
    assert medications[0] == bupropion


def test_the_chart_splits_current_and_stopped_and_shows_running_watches(
    day: Day, django_assert_num_queries
):
    start(day)
    old = start(day, drug="Trazodone", started_on=TODAY - 9 * DAY)
    services.medication_stop(
        actor=SYSTEM, medication=old, by=day.tiny.prescriber, stopped_on=TODAY, reason="Sedation"
    )
    with django_assert_num_queries(3):
        chart = medication_chart(day.episodes[0], TODAY)
        drugs = [w.change.medication.drug for w in chart.watches]
        facilitators = {w.facilitator.last_name for w in chart.watches}
    assert ([m.drug for m in chart.current], [m.drug for m in chart.stopped]) == (
        ["Sertraline"],
        ["Trazodone"],
    )
    assert sorted(drugs) == ["Sertraline", "Trazodone"]
    assert facilitators == {day.tiny.facilitator.last_name}


def test_active_watches_are_the_users_running_ones_in_fixed_queries(
    day: Day, django_assert_num_queries
):
    # given watches: two running for patients 0 and 1, one ended, one not begun yet,
    # one for a discharged patient, and one for another facilitator's patient
    start(day, day.episodes[0])
    start(day, day.episodes[1], started_on=TODAY - 3 * DAY)
    ended = start(day, day.episodes[2], started_on=TODAY - 40 * DAY)
    change(day, ended, effective_on=TODAY - 7 * DAY)
    MedicationWatch.objects.filter(change__medication=ended).update(watch_until=TODAY - DAY)
    start(day, day.episodes[2], drug="Bupropion", started_on=TODAY + 2 * DAY)
    start(day, day.episodes[3])
    patient_services.episode_discharge(
        actor=SYSTEM, episode=day.episodes[3], reason=DischargeReason.GOALS_MET, on=TODAY
    )
    other = start(day, day.episodes[0], drug="Melatonin")
    MedicationWatch.objects.filter(change__medication=other).update(facilitator=day.tiny.therapist)
    user = type(day.tiny.facilitator).objects.get(pk=day.tiny.facilitator.pk)
    # when the facilitator's watches are read
    with django_assert_num_queries(2):
        watches = active_watches_for(user, TODAY)
        shown = [
            (w.episode.patient.pk, w.episode.program.name, w.change.medication.drug)
            for w in watches
        ]
    # then only the two running ones, soonest end first
    assert shown == [
        (day.episodes[1].patient_id, day.program.name, "Sertraline"),
        (day.episodes[0].patient_id, day.program.name, "Sertraline"),
    ]


def test_no_watches_for_someone_who_left_the_program_or_is_not_staff(day: Day):
    start(day)
    assert active_watches_for(day.tiny.facilitator, TODAY)
    membership_revoke(actor=SYSTEM, membership=day.tiny.facilitator.memberships.get())
    user = type(day.tiny.facilitator).objects.get(pk=day.tiny.facilitator.pk)
    assert active_watches_for(user, TODAY) == []
    assert active_watches_for(staff(), TODAY) == []


def test_watches_by_episode_groups_running_watches_in_one_query(
    day: Day, django_assert_num_queries
):
    second = clinician(day.program, ProgramRole.GROUP_FACILITATOR)
    session_create(
        actor=SYSTEM,
        program=day.program,
        kind=SessionKind.GROUP,
        starts_at=local(10, day=TODAY + DAY),
        ends_at=local(11, day=TODAY + DAY),
        clinician=second,
        cohort=day.tiny.cohort,
        episodes=day.episodes[:1],
    )
    start(day, day.episodes[0])
    start(day, day.episodes[1])
    ids = [e.pk for e in day.episodes]
    with django_assert_num_queries(1):
        grouped = watches_by_episode(ids, TODAY)
        names = {pk: {w.facilitator.pk for w in rows} for pk, rows in grouped.items()}
    assert names == {
        day.episodes[0].pk: {day.tiny.facilitator.pk, second.pk},
        day.episodes[1].pk: {day.tiny.facilitator.pk, second.pk},
    }
    assert watches_by_episode(ids, TODAY + 8 * DAY) == {}


def test_group_facilitators_include_groups_the_patient_attends_outside_a_cohort(day: Day):
    # given a patient in no cohort, expected at one make-up group in three days
    loner = admit(day.tiny)
    visiting = clinician(day.program, ProgramRole.GROUP_FACILITATOR)
    session_create(
        actor=SYSTEM,
        program=day.program,
        kind=SessionKind.GROUP,
        starts_at=local(9, day=TODAY + 3 * DAY),
        ends_at=local(10, day=TODAY + 3 * DAY),
        clinician=visiting,
        cohort=day.tiny.cohort,
        episodes=[loner],
    )
    # then that group's clinician counts, the cohort's other groups do not
    assert group_facilitator_ids(loner, TODAY) == {visiting.pk}
    assert group_facilitator_ids(day.episodes[1], TODAY) == {day.tiny.facilitator.pk, visiting.pk}


def test_positive_screens_count_unexpected_positives_since_a_date(noon, django_assert_num_queries):
    s, quiet = substance_use(), substance_use("Substance Use IOP 2")
    screen(s, results=[{"substance": "Cocaine", "result": "positive"}], collected_on=TODAY)
    screen(s, results=[{"substance": "Cocaine", "result": "positive"}], collected_on=TODAY - DAY)
    screen(
        s, results=[{"substance": "Fentanyl", "result": "positive"}], collected_on=TODAY - 20 * DAY
    )
    screen(s, results=[{"substance": "Buprenorphine", "result": "expected"}])
    screen(quiet)
    with django_assert_num_queries(1):
        counts = positive_screens([s.episode.pk, quiet.episode.pk], TODAY - 14 * DAY)
    assert counts == {s.episode.pk: 2}


def test_the_watch_page_day_is_the_programs_local_date(day: Day):
    assert watch_day(day.tiny.facilitator) == TODAY
    assert watch_day(staff()) == TODAY  # noon in Chicago is the same day in UTC
