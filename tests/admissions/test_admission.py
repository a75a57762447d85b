"""Admission: what it sets up in one transaction, every refusal (which writes nothing), and
the welcome packet."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from openiop.accounts.roles import ProgramRole
from openiop.admissions import packet
from openiop.admissions.errors import TrackFull
from openiop.admissions.models import (
    Admission,
    PlacementLevel,
    Referral,
    Stage,
    StageChange,
    WaitlistEntry,
)
from openiop.admissions.services.admission import LevelNotProvided, Release
from openiop.admissions.services.waitlist import waitlist_add, waitlist_offer_next
from openiop.audit.models import AuditEvent
from openiop.consents.errors import ConsentIncomplete, Part2ConsentRequired
from openiop.consents.models import Consent
from openiop.core.errors import InvalidTransition
from openiop.patients import services as patient_services
from openiop.patients.errors import CareTeamRuleBroken
from openiop.patients.models import CareTeam, CohortMembership, DischargeReason
from openiop.patients.services import ADMISSION_LEAD_DAYS
from openiop.programs.models import Enrollment
from openiop.programs.services import cohort_create, track_create
from openiop.scheduling.models import SessionKind
from openiop.scheduling.services.sessions import session_cancel, session_create
from openiop.treatment_plans.models import TreatmentPlan
from tests import factories
from tests.admissions.intake_scenarios import (
    DAY,
    NOW,
    PART2_TERMS,
    PHQ9_ITEM9,
    TODAY,
    Intake,
    add_contact,
    admit,
    advance,
    another_authorized,
    complete_assessment,
    decide,
    frozen,
    intake_setup,
    record_intake,
)
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with frozen():
        yield


def _authorized(**kwargs) -> Intake:
    intake = intake_setup(**kwargs)
    advance(intake, to="authorized")
    return intake


def _unchanged(intake: Intake) -> None:
    """Nothing of an admission was written."""
    referral = Referral.objects.get(pk=intake.referral.pk)
    episode = referral.episode
    assert referral.stage == Stage.AUTHORIZED
    assert (episode.state, episode.track_id, episode.cohort_id) == ("referred", None, None)
    team = CareTeam.objects.get(episode=episode)
    assert (team.primary_therapist_id, team.prescriber_id, team.case_manager_id) == (None,) * 3
    assert not Admission.objects.filter(referral=referral).exists()
    assert not CohortMembership.objects.filter(episode=episode).exists()
    assert not Consent.objects.filter(episode=episode).exists()
    assert not TreatmentPlan.objects.filter(episode=episode).exists()
    assert not AuditEvent.objects.filter(
        action="ADMISSION_COMPLETED", patient_id=episode.patient_id
    ).exists()


def test_admission_sets_up_the_episode_in_one_step():
    # given a second, emptier rolling cohort and a closed one
    intake = intake_setup()
    roomy = cohort_create(
        track=intake.ps.track, name="Evening B", started_on=TODAY, min_size=0, max_size=20
    )
    cohort_create(
        track=intake.ps.track,
        name="Closed C",
        started_on=TODAY,
        max_size=30,
        enrollment=Enrollment.CLOSED,
    )
    record_intake(intake.referral, "phq9", PHQ9_ITEM9)
    advance(intake, to="authorized")
    contact = add_contact(intake)
    # when
    admission = admit(intake, releases=[Release(contact, TODAY + 90 * DAY)])
    # then
    referral = Referral.objects.get(pk=intake.referral.pk)
    episode = referral.episode
    assert referral.stage == Stage.ADMITTED
    assert StageChange.objects.filter(referral=referral, stage=Stage.ADMITTED).exists()
    assert (episode.state, episode.track_id, episode.cohort_id) == (
        "admitted",
        intake.ps.track.pk,
        roomy.pk,
    )
    assert (episode.admitted_on, episode.phase) == (TODAY, "stabilization")
    assert (admission.starts_on, admission.core_from, admission.taper_from) == (
        TODAY,
        TODAY + 28 * DAY,
        TODAY + 84 * DAY,
    )
    team = CareTeam.objects.get(episode=episode)
    assert (team.primary_therapist, team.prescriber) == (intake.therapist, intake.prescriber)
    assert {c.kind for c in Consent.objects.filter(episode=episode)} == {"treatment", "release"}
    contact.refresh_from_db()
    assert (contact.release_of_information, contact.release_expires_on) == (
        True,
        TODAY + 90 * DAY,
    )
    plan = TreatmentPlan.objects.get(episode=episode)
    assert plan.status == "draft"
    assert [p.source for p in plan.problems.all()] == ["presenting", "dimension", "safety"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "ADMISSION_COMPLETED",
        "EPISODE_ADMITTED",
        "EPISODE_COHORT_ASSIGNED",
        "CARE_TEAM_ASSIGNED",
        "TREATMENT_PLAN_CREATED",
        "CONSENT_RECORDED",
        "CONTACT_RELEASE_RECORDED",
    } <= actions


def test_admission_before_authorization_is_refused():
    intake = intake_setup()
    advance(intake, to="benefits_verified")
    with pytest.raises(InvalidTransition):
        admit(intake)
    assert Referral.objects.get(pk=intake.referral.pk).stage == Stage.BENEFITS_VERIFIED
    assert not Admission.objects.exists()


def test_a_track_of_another_program_is_refused():
    intake = _authorized()
    foreign = factories.program_setup("Elsewhere").track
    with pytest.raises(ValidationError) as caught:
        admit(intake, track=foreign)
    assert "track" in caught.value.message_dict
    _unchanged(intake)


def test_a_full_track_refuses_and_writes_nothing():
    intake = _authorized(seats=1)
    admit(another_authorized(intake))
    with pytest.raises(TrackFull) as caught:
        admit(intake)
    assert (caught.value.code, caught.value.track_id) == ("track_full", intake.ps.track.pk)
    _unchanged(intake)


def test_someone_holding_an_offered_seat_is_admitted_into_it_and_leaves_the_waitlist():
    # given a one-seat track, taken
    intake = _authorized(seats=1)
    first = another_authorized(intake)
    admit(first)
    waitlist_add(
        actor=SYSTEM, user=intake.coordinator, referral=intake.referral, track=intake.ps.track
    )
    # when the seat opens and is offered
    episode = Referral.objects.get(pk=first.referral.pk).episode
    patient_services.episode_discharge(
        actor=SYSTEM, episode=episode, reason=DischargeReason.GOALS_MET
    )
    entry = waitlist_offer_next(actor=SYSTEM, user=intake.coordinator, track=intake.ps.track)
    # then
    admit(intake)
    entry.refresh_from_db()
    assert entry.closed_at is not None
    assert not WaitlistEntry.objects.filter(closed_at__isnull=True).exists()
    assert Referral.objects.get(pk=intake.referral.pk).stage == Stage.ADMITTED


def test_a_late_refusal_rolls_everything_back():
    # given a "therapist" who holds no therapist role in the program: refused after the
    # episode was admitted and the cohort joined inside the transaction
    intake = _authorized()
    outsider = factories.staff(ProgramRole.THERAPIST, factories.program_setup("Other").program)
    with pytest.raises(CareTeamRuleBroken) as caught:
        admit(intake, therapist=outsider)
    assert caught.value.field == "therapist"
    _unchanged(intake)


def test_a_part2_program_admits_no_one_without_the_part2_consent():
    intake = _authorized(part2=True)
    with pytest.raises(Part2ConsentRequired) as caught:
        admit(intake, part2=None)
    assert caught.value.code == "part2_consent_required"
    _unchanged(intake)


def test_a_part2_consent_missing_an_element_rolls_the_admission_back():
    intake = _authorized(part2=True)
    with pytest.raises(ConsentIncomplete) as caught:
        admit(intake, part2=dataclasses.replace(PART2_TERMS, recipient=" "))
    assert caught.value.missing == ["recipient"]
    _unchanged(intake)


def test_a_part2_admission_records_the_part2_consent():
    intake = _authorized(part2=True)
    admit(intake)
    consent = Consent.objects.get(kind="part2")
    assert consent.recipient == PART2_TERMS.recipient
    assert consent.statements_version
    assert AuditEvent.objects.filter(action="ADMISSION_COMPLETED", part2=True).exists()


def test_a_start_date_beyond_the_lead_window_is_refused_on_its_field():
    intake = _authorized()
    with pytest.raises(ValidationError) as caught:
        admit(intake, starts_on=TODAY + DAY * (ADMISSION_LEAD_DAYS + 1))
    assert "at most 30 days ahead" in caught.value.message_dict["starts_on"][0]
    _unchanged(intake)


def test_a_start_next_week_is_an_admission_dated_ahead():
    intake = _authorized()
    admission = admit(intake, starts_on=TODAY + DAY * 7)
    assert admission.starts_on == TODAY + DAY * 7
    assert admission.referral.episode.admitted_on == TODAY + DAY * 7


def test_a_decided_level_the_program_does_not_provide_is_refused():
    intake = _authorized()
    completed = intake.referral.assessments.get()
    decide(intake, completed, PlacementLevel.RESIDENTIAL, "Home unsafe")
    with pytest.raises(LevelNotProvided) as caught:
        admit(intake)
    assert "referred elsewhere" in caught.value.message
    _unchanged(intake)


@pytest.mark.parametrize("problem", ["closed", "other_track", "full"])
def test_a_bad_cohort_choice_is_refused_on_its_field(problem):
    intake = _authorized()
    track = intake.ps.track
    if problem == "closed":
        cohort = cohort_create(
            track=track, name="Closed", started_on=TODAY, enrollment=Enrollment.CLOSED
        )
    elif problem == "other_track":
        other = track_create(
            program=intake.ps.program,
            name="Morning",
            weekdays=[0],
            starts_at=dt.time(9),
            ends_at=dt.time(12),
        )
        cohort = cohort_create(track=other, name="Morning A", started_on=TODAY)
    else:
        cohort = cohort_create(track=track, name="Tiny", started_on=TODAY, min_size=0, max_size=1)
        admit(another_authorized(intake), cohort=cohort)
    with pytest.raises(ValidationError) as caught:
        admit(intake, cohort=cohort)
    assert "cohort" in caught.value.message_dict
    _unchanged(intake)


def test_the_welcome_packet_holds_every_section_and_prints():
    intake = _authorized(part2=True)
    admit(intake)
    referral = Referral.objects.get(pk=intake.referral.pk)
    episode = referral.episode
    starts = dt.datetime(2026, 3, 3, 18, tzinfo=dt.UTC)
    session_create(
        actor=SYSTEM,
        program=intake.ps.program,
        kind=SessionKind.INDIVIDUAL,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        clinician=intake.therapist,
        episodes=[episode],
    )
    dropped = session_create(
        actor=SYSTEM,
        program=intake.ps.program,
        kind=SessionKind.FAMILY,
        starts_at=starts + DAY,
        ends_at=starts + DAY + dt.timedelta(hours=1),
        clinician=intake.therapist,
        episodes=[episode],
    )
    session_cancel(actor=SYSTEM, session=dropped)
    context = packet.packet_context(referral)
    assert [s.kind for s in context["sessions"]] == ["Individual therapy"]
    html = packet.packet_html(referral)
    for text in (
        intake.ps.track.name,
        "Evening A",
        "March 2, 2026",
        "Stabilization",
        "Taper",
        "Individual therapy",
        "What to expect",
        "Call or text 988",
        "Call 911",
        "Your rights",
        "HHS OCR",
        "42 CFR part 2 prohibits unauthorized use or disclosure of these records.",
    ):
        assert text in html, text
    assert packet.packet_pdf(referral).startswith(b"%PDF")


def test_the_packet_has_no_part2_notice_outside_a_part2_program():
    intake = _authorized()
    admit(intake)
    html = packet.packet_html(Referral.objects.get(pk=intake.referral.pk))
    assert "42 CFR part 2" not in html
    assert "not on the calendar yet" in html


def test_there_is_no_packet_before_admission():
    intake = intake_setup()
    with pytest.raises(InvalidTransition):
        packet.packet_context(intake.referral)


def test_a_reassessment_needs_its_own_decision_before_admission():
    intake = _authorized()
    with time_machine.travel(NOW + DAY):
        complete_assessment(intake)
        with pytest.raises(InvalidTransition) as caught:
            admit(intake, starts_on=TODAY + DAY)
    assert "decision" in caught.value.message
    _unchanged(intake)
