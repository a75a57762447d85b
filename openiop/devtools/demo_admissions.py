"""The front door in the demo: referrals at every stage of the pipeline, a full track with a
waitlist, insurance with verified benefits and approved authorizations, a self-pay sliding-fee
determination, and each program's charges and fee scale.

People whose planned story is "referred", "waitlisted" or "closed before admission" come in
through ``referral_create`` (``refer``), with the referral's received time taken from the
plan, so the board shows real waiting times. Later stages are reached through the same
audited services a coordinator uses; nothing is saved directly. Stage moves happen at the
time of seeding, so the time spent in the stages after "referred" starts at zero, as it
would for referrals worked today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import engines.fees as fees
from openiop.accounts.models import User
from openiop.admissions.capacity import track_seats
from openiop.admissions.models import (
    CloseReason,
    PlacementLevel,
    Referral,
    ReferralSource,
    SafetyScreen,
    Stage,
    Urgency,
)
from openiop.admissions.services import intake, waitlist
from openiop.admissions.services.intake import AssessmentInput, DimensionInput
from openiop.admissions.services.referrals import (
    Person,
    ReferralDetails,
    referral_advance,
    referral_close,
    referral_create,
)
from openiop.billing.benefits import BenefitValues
from openiop.billing.models import CoverageOrder, SubscriberRelationship
from openiop.billing.services.authorizations import (
    Span,
    authorization_approve,
    authorization_request,
)
from openiop.billing.services.coverages import PlanDetails, coverage_add
from openiop.billing.services.fees import (
    ChargeInput,
    HouseholdReport,
    fee_determine,
    fee_scale_set,
    program_charges_set,
)
from openiop.billing.services.verifications import CallRecord, benefits_verify
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients.models import Patient
from openiop.programs.models import Enrollment, LevelOfCare, Program, Track
from openiop.programs.services import cohort_configure

GUIDELINE_YEAR = 2026
# Per-diem charges and usual schedules by level: (charge per day, days a week, weeks).
CHARGES = {
    LevelOfCare.OP: (Decimal("140.00"), 1, 12),
    LevelOfCare.IOP: (Decimal("265.00"), 3, 10),
    LevelOfCare.PHP: (Decimal("480.00"), 5, 4),
}
# Dimension ratings 1–6 that lead the engine to each program's level.
RATINGS = {
    LevelOfCare.IOP: (0, 0, 2, 1, 2, 1),
    LevelOfCare.PHP: (0, 1, 3, 1, 2, 1),
}
REASONS = (
    "Worsening depression after a job loss; missing work most days.",
    "Panic attacks and avoidance; outpatient therapy alone has not been enough.",
    "Stepping down after a short inpatient stay; needs structure several days a week.",
    "Drinking has increased since a bereavement; family asked for help.",
)
PAYERS = ("Lakeshore Health Plan (synthetic)", "Prairie Mutual (synthetic)")


@dataclass(frozen=True, slots=True)
class Planned:
    """A referral the demo opened, and how far its story goes."""

    referral: Referral
    goal: str  # "referred", "screening", "intake", "authorized", "waitlisted", "closed"


@dataclass(frozen=True, slots=True)
class FrontDoorSummary:
    stages: tuple[tuple[str, int], ...]
    ready_to_admit: Patient | None
    waitlist_track: Track | None


def build_fees(actor: Actor, programs: dict[str, Program]) -> None:
    """Each program's charges and an HRSA-style sliding fee scale. Audited by the services."""
    for program in programs.values():
        program_charges_set(
            actor=actor,
            program=program,
            charges=[
                ChargeInput(level, charge, days, weeks)
                for level, (charge, days, weeks) in CHARGES.items()
            ],
        )
        today = clock.localdate(program.zone)
        fee_scale_set(
            actor=actor,
            program=program,
            effective_from=dt.date(today.year, 1, 1),
            guideline_year=GUIDELINE_YEAR,
            tiers=fees.default_scale().tiers,
        )


def refer(
    actor: Actor,
    *,
    program: Program,
    person: Person,
    received_ago_days: int,
    index: int,
    user: User,
) -> Referral:
    """Take the referral of a planned person, received ``received_ago_days`` ago. The
    source and urgency follow ``index`` so the waitlist shows each ordering rule."""
    source = (ReferralSource.SELF, ReferralSource.STEP_DOWN, ReferralSource.THERAPIST)[index % 3]
    urgency = (Urgency.ROUTINE, Urgency.SOON, Urgency.URGENT, Urgency.ROUTINE)[index % 4]
    details = ReferralDetails(
        source=source,
        reason=REASONS[index % len(REASONS)],
        urgency=urgency,
        referrer_name="" if source == ReferralSource.SELF else "Dr. Example Referrer",
        referrer_organization=""
        if source == ReferralSource.SELF
        else "Lakeview Community Clinic (synthetic)",
        insurance_payer=PAYERS[index % 2] if index % 4 else "",
    )
    received = clock.now() - dt.timedelta(days=received_ago_days, hours=3)
    return referral_create(
        actor=actor,
        user=user,
        program=program,
        details=details,
        person=person,
        confirm_not_duplicate=True,
        received_at=received,
    )


def build_front_door(
    actor: Actor, planned: list[Planned], staff: dict[str, User]
) -> FrontDoorSummary:
    """Move each planned referral to its goal. The first track of each program with waiting
    people is made full first (its open cohorts hold exactly their members), so the
    waitlist is real."""
    intake_user, therapist = staff["intake"], staff["director"]
    full: dict[int, Track] = {}
    ready: Patient | None = None
    for number, item in enumerate(planned):
        referral, goal = item.referral, item.goal
        if goal == "closed":
            reason = (CloseReason.UNREACHABLE, CloseReason.DECLINED)[number % 2]
            referral_close(actor=actor, user=intake_user, referral=referral, reason=reason)
            continue
        _advance_to(actor, referral, goal, intake_user, therapist, self_pay=number % 5 == 4)
        if goal == "waitlisted":
            program = referral.episode.program
            track = full.get(program.pk) or _fill_busiest_track(program)
            full[program.pk] = track
            waitlist.waitlist_add(actor=actor, user=intake_user, referral=referral, track=track)
        elif goal == "authorized" and ready is None:
            ready = referral.episode.patient
    counts = tuple((stage.label, Referral.objects.filter(stage=stage).count()) for stage in Stage)
    return FrontDoorSummary(counts, ready, next(iter(full.values()), None))


_ORDER = ("referred", "screening", "intake", "assessed", "verified", "authorized")


def _advance_to(
    actor: Actor, referral: Referral, goal: str, user: User, clinician: User, *, self_pay: bool
) -> None:
    """Work the referral through the pipeline up to ``goal`` ("waitlisted" means authorized
    first)."""
    target = _ORDER.index("authorized" if goal == "waitlisted" else goal)
    for step in _ORDER[1 : target + 1]:
        if step == "intake":
            when = referral.received_at + dt.timedelta(days=2)
            referral_advance(actor=actor, user=user, referral=referral, intake_at=when)
            continue
        if step == "assessed":
            _assess(actor, referral, clinician)
        elif step == "verified":
            _insure(actor, referral, user, self_pay=self_pay)
        elif step == "authorized" and not self_pay:
            _authorize(actor, referral, user)
        referral_advance(actor=actor, user=user, referral=referral)


def _assess(actor: Actor, referral: Referral, clinician: User) -> None:
    """A completed intake assessment and the clinician's agreement with the engine."""
    level = LevelOfCare(referral.episode.program.level_of_care)
    ratings = RATINGS.get(level, RATINGS[LevelOfCare.IOP])
    data = AssessmentInput(
        presenting_problem=referral.reason,
        psychiatric_history="One prior episode of depression, treated in primary care.",
        supports="Lives with a partner; a sibling nearby.",
        housing="stable",
        obligations="Works part time; can arrange the program's hours.",
        hours_available_per_week=Decimal(25 if level == LevelOfCare.PHP else 12),
        safety_screen=SafetyScreen.NEGATIVE,
        dimensions=tuple(DimensionInput(r, "Rated at intake.") for r in ratings),
        readiness={"schedule": True, "transport": True, "phone": True, "crisis_plan": True},
    )
    draft = intake.assessment_save(actor=actor, user=clinician, referral=referral, data=data)
    done = intake.assessment_complete(actor=actor, user=clinician, assessment=draft)
    recommended = intake.placement_recommend(actor=actor, assessment=done)
    intake.placement_decide(
        actor=actor,
        user=clinician,
        assessment=done,
        clinical_level=PlacementLevel(recommended.level.code),
    )


def _insure(actor: Actor, referral: Referral, user: User, *, self_pay: bool) -> None:
    """Primary coverage with benefits verified by phone, or a self-pay fee determination."""
    episode = referral.episode
    patient = episode.patient
    if self_pay:
        fee_determine(
            actor=actor,
            episode=episode,
            determined_by=user,
            report=HouseholdReport(
                household_size=3,
                annual_income=Decimal("38250.00"),
                state="IL",
                documents="Two recent pay stubs (synthetic)",
            ),
        )
        return
    today = clock.localdate(episode.program.zone)
    benefits = BenefitValues(
        copay_per_day=Decimal("35.00"),
        deductible=Decimal("1500.00"),
        deductible_met=Decimal("600.00"),
        out_of_pocket_max=Decimal("4500.00"),
        out_of_pocket_met=Decimal("600.00"),
        day_limit=60,
    )
    coverage = coverage_add(
        actor=actor,
        episode=episode,
        details=PlanDetails(
            order=CoverageOrder.PRIMARY,
            payer_name=referral.insurance_payer or PAYERS[0],
            member_id=f"SYN{patient.mrn}",
            subscriber_name=f"{patient.legal_given_name} {patient.legal_family_name}",
            subscriber_relationship=SubscriberRelationship.SELF,
            effective_from=dt.date(today.year, 1, 1),
        ),
        benefits=benefits,
    )
    benefits_verify(
        actor=actor,
        episode=episode,
        coverage=coverage,
        verified_by=user,
        call=CallRecord(
            method="phone",
            coverage_active=True,
            payer_reference=f"CALL-{referral.pk:05d}",
            payer_representative="Payer representative (synthetic)",
        ),
        benefits=benefits,
    )


def _authorize(actor: Actor, referral: Referral, user: User) -> None:
    """An approved pre-authorization for the first four weeks."""
    episode = referral.episode
    coverage = episode.patient.coverages.get(ended_at__isnull=True, order=CoverageOrder.PRIMARY)
    start = clock.localdate(episode.program.zone) + dt.timedelta(days=1)
    span = Span(units=12, starts_on=start, ends_on=start + dt.timedelta(days=27))
    request = authorization_request(
        actor=actor,
        episode=episode,
        coverage=coverage,
        requested_by=user,
        level=episode.program.level_of_care,
        span=span,
    )
    authorization_approve(
        actor=actor,
        authorization=request,
        auth_number=f"PA-{referral.pk:06d}",
        span=span,
        next_review_on=start + dt.timedelta(days=13),
    )


def _fill_busiest_track(program: Program) -> Track:
    """Make the program's busiest track full: each rolling cohort's largest size becomes
    its current membership. Configuration, as a director would set it; not audited."""
    tracks = list(program.tracks.all())
    track = max(tracks, key=lambda t: (track_seats(t).occupied, -t.pk))
    for cohort in track.cohorts.filter(enrollment=Enrollment.ROLLING):
        members = cohort.memberships.filter(left_on__isnull=True).count()
        if members == 0:
            enrollment, size = Enrollment.CLOSED, cohort.max_size
        else:
            enrollment, size = Enrollment.ROLLING, members
        cohort_configure(
            cohort=cohort,
            min_size=min(cohort.min_size, size),
            max_size=size,
            enrollment=enrollment,
            facilitator_id=cohort.facilitator_id,
            room=cohort.room,
        )
    return track
