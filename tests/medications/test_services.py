"""The medication list, the facilitators' watch after a change, and drug screens: each write
validates, writes its history and audits in one transaction; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_revoke
from openiop.audit.models import AuditEvent
from openiop.core.errors import PermissionDenied
from openiop.medications import errors, services
from openiop.medications.models import (
    ChangeKind,
    DrugScreen,
    Medication,
    MedicationChange,
    MedicationWatch,
)
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.programs.models import Enrollment, Program
from openiop.programs.services import cohort_configure
from openiop.scheduling.models import SessionKind
from openiop.scheduling.services import session_cancel, session_create
from tests.daily import TODAY, Day, local
from tests.factories import SYSTEM, patient
from tests.medications.scenarios import DAY, change, screen, start, substance_use
from tests.scheduling.builders import admit, clinician

pytestmark = pytest.mark.django_db


def _actions(*names: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__in=names).order_by("seq"))


# --- start, change, stop -------------------------------------------------------------------


def test_a_start_records_the_medication_its_history_and_the_audit(day: Day):
    medication = start(day, drug="  Sertraline ", dose="50  mg")
    assert (medication.drug, medication.dose, medication.stopped_on) == (
        "Sertraline",
        "50 mg",
        None,
    )
    first = medication.changes.get()
    assert (first.kind, first.effective_on, first.changed_by) == (
        ChangeKind.STARTED,
        TODAY,
        day.tiny.prescriber,
    )
    assert first.after["dose"] == "50 mg"
    event = _actions("MEDICATION_STARTED")[0]
    assert (event.patient_id, event.category, event.part2) == (
        day.episodes[0].patient_id,
        "medications",
        False,
    )
    assert "Sertraline" not in str(event.detail)  # the audit names ids, never the drug


def test_a_change_asks_the_patients_group_facilitators_to_watch_until_the_window_ends(day: Day):
    # given a usual facilitator of the cohort besides the clinician of today's group
    usual = clinician(day.program, ProgramRole.GROUP_FACILITATOR)
    cohort_configure(
        cohort=day.tiny.cohort,
        min_size=1,
        max_size=12,
        enrollment=Enrollment.ROLLING,
        facilitator_id=usual.pk,
        room=None,
    )
    medication = start(day, started_on=TODAY - 30 * DAY)
    # when the dose goes up yesterday
    change(day, medication, effective_on=TODAY - DAY)
    # then both facilitators watch until a week after the change
    watches = MedicationWatch.objects.filter(change__kind=ChangeKind.CHANGED)
    assert {w.facilitator for w in watches} == {usual, day.tiny.facilitator}
    assert {w.watch_until for w in watches} == {TODAY - DAY + 7 * DAY}
    assert {w.episode_id for w in watches} == {day.episodes[0].pk}
    events = _actions("MEDICATION_WATCH_SET")
    assert len(events) == 2
    assert all(set(e.detail) == {"change_id", "facilitator_id", "watch_until"} for e in events)


def test_the_watch_lasts_the_programs_watch_days(day: Day):
    Program.objects.filter(pk=day.program.pk).update(medication_watch_days=10)
    day.episodes[0].program.refresh_from_db()
    medication = start(day)
    watch = MedicationWatch.objects.get(change__medication=medication)
    assert watch.watch_until == TODAY + 10 * DAY


def test_no_watch_without_a_cohort_or_a_group(day: Day):
    # given a patient admitted to the track but in no cohort and no group session
    loner = admit(day.tiny)
    # when a medication starts and changes
    medication = start(day, loner)
    change(day, medication)
    # then the changes are recorded and nobody is asked to watch
    assert medication.changes.count() == 2
    assert not MedicationWatch.objects.exists()
    assert not _actions("MEDICATION_WATCH_SET")


def test_cancelled_and_distant_groups_and_former_staff_set_no_watch(day: Day):
    # given today's group is cancelled, a group three weeks ahead, and a group ten days ago
    # run by someone who has since left the program
    session_cancel(actor=SYSTEM, session=day.group)
    far = clinician(day.program, ProgramRole.GROUP_FACILITATOR)
    session_create(
        actor=SYSTEM,
        program=day.program,
        kind=SessionKind.GROUP,
        starts_at=local(13, day=TODAY + 21 * DAY),
        ends_at=local(14, day=TODAY + 21 * DAY),
        clinician=far,
        cohort=day.tiny.cohort,
    )
    former = clinician(day.program, ProgramRole.GROUP_FACILITATOR)
    session_create(
        actor=SYSTEM,
        program=day.program,
        kind=SessionKind.GROUP,
        starts_at=local(13, day=TODAY - 10 * DAY),
        ends_at=local(14, day=TODAY - 10 * DAY),
        clinician=former,
        cohort=day.tiny.cohort,
    )
    membership_revoke(actor=SYSTEM, membership=former.memberships.get())
    # when a medication starts today
    start(day)
    # then nobody watches
    assert not MedicationWatch.objects.exists()


def test_a_back_dated_change_whose_window_has_closed_sets_no_watch(day: Day):
    medication = start(day, started_on=TODAY - 60 * DAY)
    change(day, medication, effective_on=TODAY - 8 * DAY)
    assert not MedicationWatch.objects.exists()
    change(day, medication, dose="150 mg", effective_on=TODAY - 7 * DAY)
    assert MedicationWatch.objects.get().watch_until == TODAY


def test_a_stop_before_the_start_is_refused_on_its_field_and_writes_nothing(day: Day):
    medication = start(day, started_on=TODAY - 5 * DAY)
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(errors.StopBeforeStart) as refused:
        services.medication_stop(
            actor=SYSTEM,
            medication=medication,
            by=day.tiny.prescriber,
            stopped_on=TODAY - 6 * DAY,
            reason="Nausea",
        )
    assert (refused.value.code, refused.value.field) == ("stop_before_start", "stopped_on")
    medication.refresh_from_db()
    assert (medication.stopped_on, medication.stop_reason) == (None, "")
    assert medication.changes.count() == 1
    assert AuditEvent.objects.count() == audit_rows


def test_the_database_refuses_a_stop_before_the_start_as_a_backstop(day: Day):
    medication = start(day)
    with pytest.raises(IntegrityError), transaction.atomic():
        Medication.objects.filter(pk=medication.pk).update(stopped_on=TODAY - DAY)


def test_a_stop_records_the_date_reason_and_watch(day: Day):
    medication = start(day, started_on=TODAY - 20 * DAY)
    services.medication_stop(
        actor=SYSTEM,
        medication=medication,
        by=day.tiny.prescriber,
        stopped_on=TODAY,
        reason=" Daytime   sedation ",
    )
    medication.refresh_from_db()
    assert (medication.stopped_on, medication.stop_reason) == (TODAY, "Daytime sedation")
    stop = medication.changes.get(kind=ChangeKind.STOPPED)
    assert stop.before == {"dose": "50 mg", "frequency": "once daily"}
    assert MedicationWatch.objects.get(change=stop).facilitator == day.tiny.facilitator
    assert _actions("MEDICATION_STOPPED")[0].object_id == str(medication.pk)


@pytest.mark.parametrize(
    ("dose", "frequency", "effective_on", "refusal", "field"),
    [
        ("50 mg", "once daily", TODAY, errors.NothingChanged, None),
        ("100 mg", "once daily", TODAY - 11 * DAY, errors.ChangeBeforeStart, "effective_on"),
        ("100 mg", "once daily", TODAY + DAY, errors.DateInFuture, "effective_on"),
        ("  ", "once daily", TODAY, errors.FieldRequired, "dose"),
        ("100 mg", "x" * 81, TODAY, errors.MedicationInvalid, "frequency"),
    ],
)
def test_a_bad_change_is_refused_and_writes_nothing(
    day: Day, dose, frequency, effective_on, refusal, field
):
    medication = start(day, started_on=TODAY - 10 * DAY)
    with pytest.raises(refusal) as refused:
        change(day, medication, dose=dose, frequency=frequency, effective_on=effective_on)
    assert refused.value.field == field
    medication.refresh_from_db()
    assert (medication.dose, medication.frequency) == ("50 mg", "once daily")
    assert medication.changes.count() == 1


def test_history_stays_in_date_order(day: Day):
    medication = start(day, started_on=TODAY - 10 * DAY)
    change(day, medication, effective_on=TODAY - 2 * DAY)
    with pytest.raises(errors.BeforeLastChange) as refused:
        change(day, medication, dose="150 mg", effective_on=TODAY - 3 * DAY)
    assert refused.value.code == "before_last_change"
    with pytest.raises(errors.BeforeLastChange):
        services.medication_stop(
            actor=SYSTEM,
            medication=medication,
            by=day.tiny.prescriber,
            stopped_on=TODAY - 3 * DAY,
            reason="Rash",
        )


def test_a_stopped_medication_cannot_change_or_stop_again(day: Day):
    medication = start(day, started_on=TODAY - 10 * DAY)
    services.medication_stop(
        actor=SYSTEM, medication=medication, by=day.tiny.prescriber, stopped_on=TODAY, reason="Rash"
    )
    with pytest.raises(errors.MedicationStopped) as refused:
        change(day, medication)
    assert refused.value.code == "medication_stopped"
    with pytest.raises(errors.MedicationStopped):
        services.medication_stop(
            actor=SYSTEM,
            medication=medication,
            by=day.tiny.prescriber,
            stopped_on=TODAY,
            reason="Rash",
        )


def test_a_start_may_be_scheduled_thirty_days_ahead_and_called_off_on_its_date(day: Day):
    ahead = TODAY + 30 * DAY
    medication = start(day, started_on=ahead)
    watch = MedicationWatch.objects.get(change__medication=medication)
    assert watch.watch_until == ahead + 7 * DAY
    with pytest.raises(errors.StartTooFarAhead) as refused:
        start(day, drug="Bupropion", started_on=ahead + DAY)
    assert refused.value.field == "started_on"
    with pytest.raises(errors.DateInFuture):
        services.medication_stop(
            actor=SYSTEM,
            medication=medication,
            by=day.tiny.prescriber,
            stopped_on=ahead + DAY,
            reason="Changed plan",
        )
    services.medication_stop(
        actor=SYSTEM,
        medication=medication,
        by=day.tiny.prescriber,
        stopped_on=ahead,
        reason="Changed plan",
    )
    assert Medication.objects.get(pk=medication.pk).stopped_on == ahead


def test_only_admitted_patients_get_medications(day: Day):
    # given one patient discharged and one only referred
    discharged = patient_services.episode_discharge(
        actor=SYSTEM, episode=day.episodes[1], reason=DischargeReason.GOALS_MET, on=TODAY
    )
    referred = patient(day.program).episodes.get()
    for episode in (discharged, referred):
        with pytest.raises(errors.EpisodeNotAdmitted) as refused:
            start(day, episode)
        assert refused.value.code == "episode_not_admitted"
    assert not Medication.objects.exists()


def test_the_prescriber_must_prescribe_in_the_program_and_the_writer_must_manage(day: Day):
    elsewhere = substance_use()
    for prescriber in (day.tiny.facilitator, elsewhere.prescriber):
        with pytest.raises(errors.NotAPrescriber) as refused:
            services.medication_start(
                actor=SYSTEM,
                episode=day.episodes[0],
                by=day.tiny.prescriber,
                drug="Sertraline",
                dose="50 mg",
                frequency="daily",
                prescriber=prescriber,
                started_on=TODAY,
            )
        assert (refused.value.code, refused.value.field) == ("not_a_prescriber", "prescriber")
    with pytest.raises(PermissionDenied):
        services.medication_start(
            actor=SYSTEM,
            episode=day.episodes[0],
            by=day.tiny.director,
            drug="Sertraline",
            dose="50 mg",
            frequency="daily",
            prescriber=day.tiny.prescriber,
            started_on=TODAY,
        )
    assert not Medication.objects.exists()


# --- watches -------------------------------------------------------------------------------


def test_only_the_facilitator_marks_a_watch_seen_and_a_second_time_changes_nothing(day: Day):
    start(day)
    watch = MedicationWatch.objects.get()
    with pytest.raises(errors.NotYourWatch):
        services.medication_watch_seen(actor=SYSTEM, watch=watch, by=day.tiny.therapist)
    seen = services.medication_watch_seen(actor=SYSTEM, watch=watch, by=day.tiny.facilitator)
    assert seen.seen_at is not None
    again = services.medication_watch_seen(actor=SYSTEM, watch=watch, by=day.tiny.facilitator)
    assert again.seen_at == seen.seen_at
    assert len(_actions("MEDICATION_WATCH_SEEN")) == 1


# --- drug screens --------------------------------------------------------------------------


def test_screens_are_refused_outside_a_substance_use_program(day: Day):
    with pytest.raises(errors.NotASubstanceUseProgram) as refused:
        services.drug_screen_record(
            actor=SYSTEM,
            episode=day.episodes[0],
            by=day.tiny.therapist,
            collected_on=TODAY,
            specimen="urine",
            results=[{"substance": "Cocaine", "result": "negative"}],
            comment="",
        )
    assert refused.value.code == "not_a_substance_use_program"
    assert not DrugScreen.objects.exists()
    assert not _actions("DRUG_SCREEN_RECORDED")


def test_a_screen_is_recorded_as_part2_data(noon):
    s = substance_use()
    recorded = screen(s)
    assert recorded.positive is False
    assert recorded.results == [
        {"substance": "Cocaine", "result": "negative"},
        {"substance": "Opiates", "result": "negative"},
    ]
    event = _actions("DRUG_SCREEN_RECORDED")[0]
    assert (event.category, event.part2, event.patient_id, event.detail) == (
        "drug_screen",
        True,
        s.episode.patient_id,
        {},
    )


@pytest.mark.parametrize(
    ("results", "positive"),
    [
        ([{"substance": "Buprenorphine", "result": "expected"}], False),
        ([{"substance": "Cocaine", "result": "positive"}], True),
        (
            [
                {"substance": "Buprenorphine", "result": "expected"},
                {"substance": "Fentanyl", "result": "positive"},
            ],
            True,
        ),
        ([{"substance": "Alcohol", "result": "invalid"}], False),
    ],
)
def test_only_an_unexpected_positive_makes_a_screen_positive(noon, results, positive):
    assert screen(substance_use(), results=results).positive is positive


@pytest.mark.parametrize(
    ("results", "refusal"),
    [
        ([], errors.NoScreenResults),
        ([{"substance": "  ", "result": "negative"}], errors.SubstanceRequired),
        ([{"substance": "Cocaine", "result": "maybe"}], errors.UnknownScreenResult),
        ([{"substance": "Cocaine", "result": ""}], errors.UnknownScreenResult),
        (
            [
                {"substance": "Cocaine", "result": "negative"},
                {"substance": " cocaine", "result": "positive"},
            ],
            errors.DuplicateSubstance,
        ),
    ],
)
def test_bad_screen_results_are_refused(noon, results, refusal):
    s = substance_use()
    with pytest.raises(refusal) as refused:
        screen(s, results=results)
    assert refused.value.field == "results"
    assert not DrugScreen.objects.exists()


def test_a_screen_is_collected_within_the_episode_and_not_in_the_future(noon):
    s = substance_use()
    with pytest.raises(errors.CollectedInFuture) as refused:
        screen(s, collected_on=TODAY + DAY)
    assert refused.value.field == "collected_on"
    with pytest.raises(errors.CollectedBeforeEpisode):
        screen(s, collected_on=s.episode.referred_on - DAY)
    assert screen(s, collected_on=s.episode.referred_on).collected_on == s.episode.referred_on


def test_only_screen_recorders_record_and_only_in_an_open_episode(noon):
    s = substance_use()
    with pytest.raises(PermissionDenied):
        services.drug_screen_record(
            actor=SYSTEM,
            episode=s.episode,
            by=s.facilitator,
            collected_on=TODAY,
            specimen="urine",
            results=[{"substance": "Cocaine", "result": "negative"}],
        )
    patient_services.episode_discharge(
        actor=SYSTEM, episode=s.episode, reason=DischargeReason.GOALS_MET, on=TODAY
    )
    with pytest.raises(errors.EpisodeClosed):
        screen(s)
    assert not DrugScreen.objects.exists()


def test_a_medication_in_a_part2_program_is_audited_as_part2(noon):
    s = substance_use()
    services.medication_start(
        actor=SYSTEM,
        episode=s.episode,
        by=s.prescriber,
        drug="Buprenorphine/naloxone",
        dose="8/2 mg",
        frequency="once daily, sublingual",
        prescriber=s.prescriber,
        started_on=TODAY - dt.timedelta(days=3),
    )
    assert _actions("MEDICATION_STARTED")[0].part2 is True
    assert MedicationChange.objects.count() == 1
