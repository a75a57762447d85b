"""Admission: the one transition that turns an authorized referral into an admitted episode.

Everything admission sets up happens in ONE transaction, so a refusal at any step leaves the
referral, the episode, its cohort and its care team exactly as they were: the episode is
admitted to a track (and a cohort), the Admission records the phase plan, the care team is
seated, a draft treatment plan is seeded from intake, the consents are recorded, a waitlist
entry closes, and the referral enters the admitted stage.

The phase plan is the issue's: stabilization weeks 1–4, core weeks 5–12, taper from week 13
(``openiop.patients.models.Phase``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from openiop.accounts.models import User
from openiop.admissions.access import referral_entry
from openiop.admissions.capacity import track_seats
from openiop.admissions.errors import TrackFull
from openiop.admissions.models import (
    DIMENSIONS,
    Admission,
    AssessmentStatus,
    Referral,
    Stage,
    WaitlistEntry,
)
from openiop.admissions.placement import intake_responses
from openiop.admissions.selectors.intake import current_decision, latest_assessment
from openiop.admissions.services.referrals import enter_stage
from openiop.admissions.services.waitlist import waitlist_close_on_admission
from openiop.audit.services import audit_record
from openiop.consents import services as consents
from openiop.consents.errors import Part2ConsentRequired
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.errors import DomainError, InvalidTransition
from openiop.patients import services as patient_services
from openiop.patients.errors import CareTeamRuleBroken
from openiop.patients.models import EpisodeState, PatientContact
from openiop.programs.models import Cohort, Enrollment, Track
from openiop.treatment_plans.seeding import InstrumentFinding, IntakeFindings, problems_from_intake
from openiop.treatment_plans.services import plan_seed_from_intake

CORE_FROM = dt.timedelta(weeks=4)  # stabilization is weeks 1–4
TAPER_FROM = dt.timedelta(weeks=12)  # core is weeks 5–12, taper from week 13
# Care-team seat → the admission form's field for it.
SEATS = (
    ("primary_therapist", "therapist"),
    ("prescriber", "prescriber"),
    ("case_manager", "case_manager"),
)


class LevelNotProvided(DomainError):
    """The clinical level decided at intake is not the level this program provides."""

    code = "level_not_provided"


@dataclass(frozen=True, slots=True)
class Release:
    """A release of information to one of the patient's contacts, valid through
    ``expires_on`` (None: until revoked)."""

    contact: PatientContact
    expires_on: dt.date | None = None


def _lock(referral: Referral, track: Track) -> tuple[Referral, Track]:
    locked = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("episode__program", "episode__patient")
        .get(pk=referral.pk)
    )
    # Admissions to one track queue behind each other, so two cannot take the last seat.
    return locked, Track.objects.select_for_update().get(pk=track.pk)


def held_offer(referral: Referral, track: Track) -> WaitlistEntry | None:
    """The open waitlist entry through which ``referral`` holds an offered seat in
    ``track``, if any."""
    return WaitlistEntry.objects.filter(
        referral=referral,
        track=track,
        closed_at__isnull=True,
        offered_at__isnull=False,
        offer_declined_at__isnull=True,
    ).first()


def _check_admissible(referral: Referral, track: Track, offer: WaitlistEntry | None) -> None:
    if referral.stage != Stage.AUTHORIZED and offer is None:
        raise InvalidTransition(
            f"This referral is {referral.get_stage_display().lower()}; admit it once it is "
            "authorized (or when it holds an offered seat)."
        )
    program = referral.episode.program
    if track.program_id != program.pk:
        raise ValidationError({"track": "That track belongs to another program."})
    decision = current_decision(referral)
    if decision is None:
        raise InvalidTransition("Record the level-of-care decision before admitting.")
    if decision.clinical_level != program.level_of_care:
        raise LevelNotProvided(
            f"The clinical level decided at intake is {decision.get_clinical_level_display()}, "
            f"which {program.name} does not provide. Close the referral as referred elsewhere, "
            "or revise the decision with a reason."
        )


def _check_date(referral: Referral, starts_on: dt.date) -> None:
    episode = referral.episode
    latest = clock.localdate(episode.program.zone) + dt.timedelta(
        days=patient_services.ADMISSION_LEAD_DAYS
    )
    if starts_on > latest:
        raise ValidationError(
            {
                "starts_on": "The start date can be at most "
                f"{patient_services.ADMISSION_LEAD_DAYS} days ahead."
            }
        )
    if starts_on < episode.referred_on:
        raise ValidationError({"starts_on": "The start date is before the referral."})


def _rolling_with_members(track: Track) -> list[Cohort]:
    return list(
        Cohort.objects.filter(track=track, enrollment=Enrollment.ROLLING)
        .annotate(members=Count("episodes", filter=Q(episodes__state=EpisodeState.ADMITTED)))
        .order_by("name", "pk")
    )


def _choose_cohort(track: Track, cohort: Cohort | None) -> Cohort | None:
    """The cohort to join: the one chosen (which must be an open cohort of the track with a
    free place) or, by default, the track's rolling cohort with the most free places."""
    rolling = _rolling_with_members(track)
    free = {c.pk: c.max_size - c.members for c in rolling}  # type: ignore[attr-defined]
    if cohort is None:
        best = max(rolling, key=lambda c: free[c.pk], default=None)
        return best if best is not None and free[best.pk] > 0 else None
    if cohort.track_id != track.pk:
        raise ValidationError({"cohort": "That cohort meets in another track."})
    if cohort.pk not in free:
        raise ValidationError({"cohort": "That cohort is closed to newcomers."})
    if free[cohort.pk] <= 0:
        raise ValidationError({"cohort": "That cohort is full; choose another or leave it empty."})
    return cohort


def _check_seat(track: Track, offer: WaitlistEntry | None) -> None:
    seats = track_seats(track)
    if seats.is_full and offer is None:
        raise TrackFull(
            f"Every seat in {track.name} is taken; the person can wait on its waitlist.",
            track_id=track.pk,
        )


def _seat_team(actor: Actor, referral: Referral, team: dict[str, User | None]) -> None:
    for seat, form_field in SEATS:
        member = team[form_field]
        if member is None:
            continue
        try:
            patient_services.care_team_assign(
                actor=actor, episode=referral.episode, seat=seat, member=member
            )
        except CareTeamRuleBroken as error:
            raise CareTeamRuleBroken(error.message, field=form_field) from None


def intake_findings(referral: Referral) -> IntakeFindings:
    """What the latest completed assessment and the intake questionnaires found."""
    assessment = latest_assessment(referral, AssessmentStatus.COMPLETED)
    if assessment is None:
        raise InvalidTransition("Complete the intake assessment before admitting.")
    found = tuple(
        InstrumentFinding(
            instrument=r.instrument,
            total=r.total,
            severity=r.severity,
            flags=tuple(str(f["code"]) for f in r.flags),
            safety_flags=tuple(str(f["code"]) for f in r.flags if f.get("safety")),
        )
        for r in intake_responses(referral.episode)
    )
    return IntakeFindings(
        presenting_problem=assessment.presenting_problem,
        ratings=tuple(getattr(assessment, f"dimension_{n}_rating") for n in DIMENSIONS),
        safety_screen=assessment.safety_screen,
        housing=assessment.housing,
        substance_use=assessment.substance_use,
        instruments=found,
    )


def _record_consents(
    *,
    actor: Actor,
    user: User,
    referral: Referral,
    signature: consents.Signature,
    releases: Sequence[Release],
    part2: consents.Part2Terms | None,
) -> None:
    episode = referral.episode
    consents.consent_record_treatment(actor=actor, user=user, episode=episode, signature=signature)
    for release in releases:
        consents.consent_record_release(
            actor=actor,
            user=user,
            episode=episode,
            contact=release.contact,
            signature=signature,
            expires_on=release.expires_on,
        )
    if part2 is not None:
        consents.consent_record_part2(
            actor=actor, user=user, episode=episode, signature=signature, terms=part2
        )


def _check_all(
    referral: Referral,
    track: Track,
    cohort: Cohort | None,
    starts_on: dt.date,
    part2: consents.Part2Terms | None,
) -> Cohort | None:
    """Every refusal before anything is written; returns the cohort to join."""
    offer = held_offer(referral, track)
    _check_admissible(referral, track, offer)
    _check_date(referral, starts_on)
    if referral.episode.program.is_part2 and part2 is None:
        raise Part2ConsentRequired(
            "This is a 42 CFR Part 2 program: record the patient's Part 2 consent to admit."
        )
    chosen = _choose_cohort(track, cohort)
    _check_seat(track, offer)
    return chosen


def _admit_episode(
    actor: Actor, referral: Referral, track: Track, cohort: Cohort | None, starts_on: dt.date
) -> None:
    episode = patient_services.episode_admit(
        actor=actor, episode=referral.episode, track=track, on=starts_on
    )
    if cohort is not None:
        # A membership may not be dated ahead; for a start next week, no date means "from
        # the admission day" (the later of today and the admission date).
        ahead = starts_on > clock.localdate(episode.program.zone)
        patient_services.episode_assign_cohort(
            actor=actor, episode=episode, cohort=cohort, on=None if ahead else starts_on
        )


def _admission_row(referral: Referral, user: User, starts_on: dt.date) -> Admission:
    admission = Admission(
        referral=referral,
        starts_on=starts_on,
        core_from=starts_on + CORE_FROM,
        taper_from=starts_on + TAPER_FROM,
        admitted_by=user,
        admitted_at=clock.now(),
    )
    admission.full_clean()
    admission.save()
    return admission


@transaction.atomic
def admission_admit(
    *,
    actor: Actor,
    user: User,
    referral: Referral,
    track: Track,
    cohort: Cohort | None,
    starts_on: dt.date,
    therapist: User,
    prescriber: User | None = None,
    case_manager: User | None = None,
    treatment_consent: consents.Signature,
    releases: Sequence[Release] = (),
    part2: consents.Part2Terms | None = None,
) -> Admission:
    """Admit the person of an authorized referral (or one holding an offered seat) to
    ``track`` from ``starts_on`` (in the program's zone; up to ADMISSION_LEAD_DAYS ahead), with
    ``therapist`` as primary therapist. ``cohort`` None joins the track's rolling cohort with
    the most free places. ``treatment_consent`` is the signature of every consent signed at
    admission; ``part2`` is required in a Part 2 program.

    Raises InvalidTransition (wrong stage, no completed assessment or decision),
    LevelNotProvided, ValidationError (track, cohort or date), TrackFull (no free seat and
    no offered seat held: the caller offers the waitlist), Part2ConsentRequired (a Part 2
    program without a Part 2 consent), CareTeamRuleBroken and the consent services' errors.
    Nothing is written when any of them is raised. Audits ADMISSION_COMPLETED plus the
    events of the services it calls.
    """
    referral, track = _lock(referral, track)
    chosen = _check_all(referral, track, cohort, starts_on, part2)
    findings = intake_findings(referral)
    _admit_episode(actor, referral, track, chosen, starts_on)
    admission = _admission_row(referral, user, starts_on)
    team = {"therapist": therapist, "prescriber": prescriber, "case_manager": case_manager}
    _seat_team(actor, referral, team)
    plan_seed_from_intake(
        actor=actor, user=user, episode=referral.episode, problems=problems_from_intake(findings)
    )
    _record_consents(
        actor=actor,
        user=user,
        referral=referral,
        signature=treatment_consent,
        releases=releases,
        part2=part2,
    )
    waitlist_close_on_admission(referral)
    enter_stage(referral, Stage.ADMITTED, user=user)
    audit_record(
        actor=actor,
        entry=referral_entry(
            "ADMISSION_COMPLETED",
            referral,
            object_type="admission",
            object_id=admission.pk,
            starts_on=starts_on.isoformat(),
            track_id=track.pk,
            cohort_id=chosen.pk if chosen else None,
        ),
    )
    return admission
