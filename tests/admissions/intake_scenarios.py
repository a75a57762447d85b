"""Intake scenarios built through the real services: a program with a rolling cohort, its
staff, a referral, intake questionnaires, a completed assessment, a decision, the billing
steps to "authorized", and an admission.

Time is fixed by the ``frozen`` fixture of the test modules (``NOW``, a Monday noon in
Chicago), ticking so that later steps get later timestamps."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

import time_machine

from openiop.accounts.models import User
from openiop.accounts.roles import ProgramRole
from openiop.admissions.models import (
    Admission,
    IntakeAssessment,
    PlacementDecision,
    PlacementLevel,
    Referral,
    ReferralSource,
    Urgency,
)
from openiop.admissions.services import admission as admission_services
from openiop.admissions.services import intake as intake_services
from openiop.admissions.services.intake import AssessmentInput, DimensionInput
from openiop.admissions.services.referrals import (
    Person,
    ReferralDetails,
    referral_advance,
    referral_create,
)
from openiop.billing.benefits import BenefitValues
from openiop.billing.models import Coverage
from openiop.billing.services.authorizations import (
    Span,
    authorization_approve,
    authorization_request,
)
from openiop.billing.services.coverages import PlanDetails, coverage_add
from openiop.billing.services.verifications import CallRecord, benefits_verify
from openiop.consents.services import Part2Terms, Signature
from openiop.measures import services as measure_services
from openiop.measures.models import Source, Timepoint
from openiop.patients.models import PatientContact
from openiop.patients.services import contact_add
from openiop.programs.models import Cohort
from openiop.programs.services import cohort_create
from tests import factories
from tests.factories import SYSTEM

NOW = dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC)  # Monday, noon in America/Chicago
TODAY = dt.date(2026, 3, 2)
DAY = dt.timedelta(days=1)
_names = itertools.count(1)

PHQ9_ITEM9 = [1, 1, 1, 1, 1, 1, 1, 1, 1]  # total 9 (mild), item 9 positive
PHQ9_MODERATE = [2, 2, 2, 2, 2, 2, 0, 0, 0]  # total 12, moderate, no item 9
ASQ_NEGATIVE = [0, 0, 0, 0, None]
ASQ_NON_ACUTE = [1, 0, 0, 0, 0]

# Ratings for an IOP recommendation (dimension 3 moderate: rule V1).
IOP_RATINGS = (1, 1, 2, 1, 1, 1)


def frozen() -> time_machine.travel:
    return time_machine.travel(NOW, tick=True)


@dataclass
class Intake:
    ps: factories.ProgramSet
    cohort: Cohort
    coordinator: User
    therapist: User
    prescriber: User
    director: User
    referral: Referral
    coverage: Coverage | None = None


def intake_setup(
    *,
    part2: bool = False,
    seats: int = 12,
    schedule: Sequence[str] = ("phq9", "gad7", "asq"),
    date_of_birth: dt.date = dt.date(1990, 5, 17),
) -> Intake:
    """A program whose evening track has one rolling cohort of ``seats``, the staff of the
    front door, and one new referral (referred today)."""
    ps = factories.program_setup(part2=part2)
    cohort = cohort_create(
        track=ps.track, name="Evening A", started_on=TODAY - 30 * DAY, min_size=0, max_size=seats
    )
    entries = [(code, Timepoint.INTAKE) for code in schedule]
    measure_services.schedule_set(actor=SYSTEM, program=ps.program, entries=entries)
    coordinator = factories.staff(ProgramRole.INTAKE_COORDINATOR, ps.program)
    therapist = factories.staff(ProgramRole.THERAPIST, ps.program)
    prescriber = factories.staff(ProgramRole.PRESCRIBER, ps.program)
    director = factories.staff(ProgramRole.PROGRAM_DIRECTOR, ps.program)
    referral = new_referral(ps, coordinator, date_of_birth=date_of_birth)
    return Intake(ps, cohort, coordinator, therapist, prescriber, director, referral)


def new_referral(
    ps: factories.ProgramSet, user: User, *, date_of_birth: dt.date = dt.date(1990, 5, 17)
) -> Referral:
    n = next(_names)
    return referral_create(
        actor=SYSTEM,
        user=user,
        program=ps.program,
        details=ReferralDetails(
            source=ReferralSource.THERAPIST, reason="Low mood for months", urgency=Urgency.SOON
        ),
        person=Person(
            legal_given_name="Robin",
            legal_family_name=f"Intake{n}",
            date_of_birth=date_of_birth,
            phone="555-0100",
        ),
    )


def record_intake(referral: Referral, instrument: str, answers: Sequence[int | None]) -> None:
    """Record an intake questionnaire for the referral's open intake occasion."""
    episode = referral.episode
    episode.refresh_from_db()
    due = episode.admitted_on or episode.referred_on + 7 * DAY
    measure_services.response_record(
        actor=SYSTEM,
        episode=episode,
        instrument_id=instrument,
        answers=answers,
        timepoint=Timepoint.INTAKE,
        due_on=due,
        source=Source.API,
    )


def assessment_input(
    ratings: Sequence[int | None] = IOP_RATINGS, **overrides: object
) -> AssessmentInput:
    """A complete assessment pointing to IOP; ``overrides`` replace fields."""
    base = AssessmentInput(
        presenting_problem="Low mood and poor sleep for three months",
        substance_use="",
        housing="stable",
        obligations="Works mornings",
        hours_available_per_week=Decimal("12.0"),
        safety_screen="negative",
        dimensions=tuple(DimensionInput(r, f"note {n}") for n, r in enumerate(ratings, 1)),
        readiness={"schedule": True, "transport": True},
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def complete_assessment(intake: Intake, data: AssessmentInput | None = None) -> IntakeAssessment:
    draft = intake_services.assessment_save(
        actor=SYSTEM,
        user=intake.therapist,
        referral=intake.referral,
        data=data or assessment_input(),
    )
    return intake_services.assessment_complete(
        actor=SYSTEM, user=intake.therapist, assessment=draft
    )


def decide(
    intake: Intake,
    assessment: IntakeAssessment,
    level: PlacementLevel = PlacementLevel.IOP,
    reason: str = "",
) -> PlacementDecision:
    return intake_services.placement_decide(
        actor=SYSTEM,
        user=intake.therapist,
        assessment=assessment,
        clinical_level=level,
        override_reason=reason,
    )


def _insure(intake: Intake) -> None:
    episode = intake.referral.episode
    coverage = coverage_add(
        actor=SYSTEM,
        episode=episode,
        details=PlanDetails(
            order="primary",
            payer_name="Acme Health",
            member_id="M123",
            subscriber_name="Robin",
            subscriber_relationship="self",
            effective_from=TODAY - 60 * DAY,
        ),
        benefits=BenefitValues(requires_preauthorization=True),
    )
    benefits_verify(
        actor=SYSTEM,
        episode=episode,
        coverage=coverage,
        verified_by=intake.coordinator,
        call=CallRecord(method="phone", coverage_active=True),
        benefits=BenefitValues(requires_preauthorization=True),
    )
    intake.coverage = coverage


def _authorize(intake: Intake, level: str) -> None:
    assert intake.coverage is not None
    span = Span(units=30, starts_on=TODAY, ends_on=TODAY + 59 * DAY)
    request = authorization_request(
        actor=SYSTEM,
        episode=intake.referral.episode,
        coverage=intake.coverage,
        requested_by=intake.coordinator,
        level=level,
        span=span,
    )
    authorization_approve(actor=SYSTEM, authorization=request, auth_number="A-1", span=span)


def advance(intake: Intake, *, to: str) -> Referral:
    """Move the referral through the pipeline up to stage ``to`` (at most "authorized"),
    completing the assessment, the decision and the billing steps on the way."""
    steps = ["screening", "intake_scheduled", "assessed", "benefits_verified", "authorized"]
    for stage in steps[: steps.index(to) + 1]:
        if stage == "assessed" and not intake.referral.assessments.exists():
            decide(intake, complete_assessment(intake))
        if stage == "benefits_verified":
            _insure(intake)
        if stage == "authorized":
            _authorize(intake, "iop")
        intake.referral = referral_advance(
            actor=SYSTEM, user=intake.coordinator, referral=intake.referral, intake_at=NOW
        )
    return intake.referral


def another_authorized(intake: Intake) -> Intake:
    """A second referral to the same program, brought to "authorized"."""
    other = replace(intake, referral=new_referral(intake.ps, intake.coordinator), coverage=None)
    advance(other, to="authorized")
    return other


def add_contact(intake: Intake, name: str = "Sam Kin") -> PatientContact:
    return contact_add(
        actor=SYSTEM,
        patient=intake.referral.episode.patient,
        name=name,
        relationship="sibling",
        phone="555-0101",
    )


SIGNATURE = Signature(signed_by_name="Robin Intake", signed_on=TODAY)
PART2_TERMS = Part2Terms(
    discloser="The program",
    recipient="My treating providers, health plans, third-party payers",
    purpose="For treatment, payment, and health care operations",
    information="Substance use treatment records",
    expires_on_event="When I revoke it",
)


def admit(intake: Intake, **overrides: object) -> Admission:
    """Admit with sensible defaults: the program's track, the default cohort, today, the
    therapist, a treatment consent, and a Part 2 consent in a Part 2 program."""
    fields: dict[str, object] = {
        "track": intake.ps.track,
        "cohort": None,
        "starts_on": TODAY,
        "therapist": intake.therapist,
        "prescriber": intake.prescriber,
        "treatment_consent": SIGNATURE,
        "releases": (),
        "part2": PART2_TERMS if intake.ps.program.is_part2 else None,
    }
    fields.update(overrides)
    return admission_services.admission_admit(
        actor=SYSTEM,
        user=intake.coordinator,
        referral=intake.referral,
        **fields,  # type: ignore[arg-type]
    )
