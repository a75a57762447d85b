"""The intake assessment and the level-of-care decision.

One draft assessment per referral, saved as often as needed; completing it needs every ASAM
dimension, the safety screen and the hours available (a missing one is an error, never a
default) and an assessment the placement engine accepts. A completed assessment is never
edited: saving again starts a re-assessment (a new draft). The decision runs the engine on
the latest completed assessment and stores its full output next to the clinician's level,
which may differ only with a written reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db import transaction

import engines.placement as engine
from openiop.accounts.models import User
from openiop.admissions.access import referral_entry
from openiop.admissions.errors import OverrideNeedsReason
from openiop.admissions.models import (
    DIMENSIONS,
    OPEN_STAGES,
    AssessmentStatus,
    IntakeAssessment,
    PlacementDecision,
    PlacementLevel,
    Referral,
)
from openiop.admissions.placement import (
    engine_assessment,
    intake_responses,
    recommend,
    require_complete,
)
from openiop.admissions.readiness import readiness_checked
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.errors import InvalidTransition


@dataclass(frozen=True, slots=True)
class DimensionInput:
    rating: int | None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class AssessmentInput:
    """What the assessment form gives. ``dimensions`` holds dimensions 1..6 in order."""

    presenting_problem: str = ""
    trauma_history: str = ""
    substance_use: str = ""
    medical: str = ""
    psychiatric_history: str = ""
    risk: str = ""
    supports: str = ""
    housing: str = ""
    housing_notes: str = ""
    obligations: str = ""
    hours_available_per_week: Decimal | None = None
    safety_screen: str = ""
    needs_medical_withdrawal_management: bool = False
    home_environment_enables_use: bool = False
    stable_housing_and_support: bool = True
    dimensions: tuple[DimensionInput, ...] = tuple(DimensionInput(None) for _ in DIMENSIONS)
    readiness: Mapping[str, bool] = field(default_factory=dict)


_PLAIN = tuple(f.name for f in fields(AssessmentInput) if f.name not in ("dimensions", "readiness"))


def _entry(action: str, assessment: IntakeAssessment, **detail: object) -> Entry:
    return referral_entry(
        action,
        assessment.referral,
        category=DataCategory.ASSESSMENT,
        object_type="intake_assessment",
        object_id=assessment.pk,
        **detail,
    )


def _locked_open(referral: Referral) -> Referral:
    locked = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("episode__program", "episode__patient")
        .get(pk=referral.pk)
    )
    if locked.stage not in OPEN_STAGES:
        raise InvalidTransition(
            f"This referral is {locked.get_stage_display().lower()}; its intake is closed."
        )
    return locked


def _apply(assessment: IntakeAssessment, data: AssessmentInput) -> None:
    if len(data.dimensions) != len(DIMENSIONS):
        raise ValueError("give all six dimensions, rated or not")
    for name in _PLAIN:
        value = getattr(data, name)
        setattr(assessment, name, value.strip() if isinstance(value, str) else value)
    for number, dimension in zip(DIMENSIONS, data.dimensions, strict=True):
        setattr(assessment, f"dimension_{number}_rating", dimension.rating)
        setattr(assessment, f"dimension_{number}_notes", dimension.notes.strip())
    assessment.readiness = readiness_checked(data.readiness)


@transaction.atomic
def assessment_save(
    *, actor: Actor, user: User, referral: Referral, data: AssessmentInput
) -> IntakeAssessment:
    """Save the referral's draft assessment, starting one (or a re-assessment after a
    completed one) when there is none. Raises InvalidTransition for a closed or admitted
    referral, ValidationError for out-of-range values. Audits ASSESSMENT_SAVED."""
    referral = _locked_open(referral)
    draft = referral.assessments.filter(status=AssessmentStatus.DRAFT).first()
    created = draft is None
    if draft is None:
        draft = IntakeAssessment(
            referral=referral,
            status=AssessmentStatus.DRAFT,
            assessor=user,
            started_at=clock.now(),
        )
    draft.referral = referral
    _apply(draft, data)
    draft.full_clean()
    draft.save()
    audit_record(actor=actor, entry=_entry("ASSESSMENT_SAVED", draft, started=created))
    return draft


@transaction.atomic
def assessment_complete(
    *, actor: Actor, user: User, assessment: IntakeAssessment
) -> IntakeAssessment:
    """Complete a draft: every dimension rated, the safety screen and the hours given, and
    the engine accepts it with the intake questionnaires (e.g. the safety screen agrees with
    an intake ASQ). Raises InvalidTransition (not a draft, referral closed),
    AssessmentIncomplete naming each missing field, or PlacementInputRejected. Audits
    ASSESSMENT_COMPLETED."""
    referral = _locked_open(assessment.referral)
    locked = IntakeAssessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != AssessmentStatus.DRAFT:
        raise InvalidTransition("This assessment is already completed; start a re-assessment.")
    locked.referral = referral
    require_complete(locked)
    engine_assessment(locked, intake_responses(referral.episode))
    locked.status = AssessmentStatus.COMPLETED
    locked.completed_at = clock.now()
    locked.assessor = user
    locked.save(update_fields=["status", "completed_at", "assessor"])
    audit_record(actor=actor, entry=_entry("ASSESSMENT_COMPLETED", locked))
    return locked


def _current_completed(referral: Referral, assessment: IntakeAssessment) -> None:
    if assessment.status != AssessmentStatus.COMPLETED:
        raise InvalidTransition("Complete the assessment before deciding the level of care.")
    newer = referral.assessments.filter(
        status=AssessmentStatus.COMPLETED, completed_at__gt=assessment.completed_at
    )
    if newer.exists():
        raise InvalidTransition("A newer assessment replaces this one; decide on that one.")


def placement_recommend(*, actor: Actor, assessment: IntakeAssessment) -> engine.Decision:
    """The engine's recommendation for a completed assessment (nothing is stored). Raises
    InvalidTransition, AssessmentIncomplete or PlacementInputRejected. Audits
    PLACEMENT_RECOMMENDED with the level and rules version."""
    _current_completed(assessment.referral, assessment)
    decision = recommend(assessment)
    audit_record(
        actor=actor,
        entry=_entry(
            "PLACEMENT_RECOMMENDED",
            assessment,
            level=decision.level.code,
            rules_version=decision.rules_version,
        ),
    )
    return decision


def _decision_row(
    assessment: IntakeAssessment,
    decision: engine.Decision,
    clinical_level: PlacementLevel,
    reason: str,
    user: User,
) -> PlacementDecision:
    recommended = PlacementLevel(decision.level.code)
    row = PlacementDecision(
        assessment=assessment,
        recommended_level=recommended,
        clinical_level=clinical_level,
        override_reason=reason if clinical_level != recommended else "",
        rules_version=decision.rules_version,
        engine_output=engine.decision_to_json(decision),
        decided_by=user,
        decided_at=clock.now(),
    )
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def placement_decide(
    *,
    actor: Actor,
    user: User,
    assessment: IntakeAssessment,
    clinical_level: PlacementLevel,
    override_reason: str = "",
) -> PlacementDecision:
    """Record the clinician's level for the latest completed assessment of an open referral,
    next to the engine's recommendation (run again here, never taken from the form). Raises
    OverrideNeedsReason when the levels differ without a reason, InvalidTransition,
    AssessmentIncomplete or PlacementInputRejected. Audits PLACEMENT_DECIDED."""
    referral = _locked_open(assessment.referral)
    assessment.referral = referral
    _current_completed(referral, assessment)
    decision = recommend(assessment)
    recommended = PlacementLevel(decision.level.code)
    reason = override_reason.strip()
    if clinical_level != recommended and not reason:
        raise OverrideNeedsReason(
            f"The engine recommends {recommended.label}; say why the clinical level differs.",
            field="override_reason",
        )
    row = _decision_row(assessment, decision, clinical_level, reason, user)
    audit_record(
        actor=actor,
        entry=_entry(
            "PLACEMENT_DECIDED",
            assessment,
            recommended=recommended.value,
            clinical=clinical_level.value,
            override=row.is_override,
        ),
    )
    return row
