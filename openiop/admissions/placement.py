"""Adapter between the intake assessment and the pure placement engine (``engines.placement``).

It loads what the engine needs (the assessment and the episode's latest intake questionnaire
of each instrument), builds the engine's frozen ``Assessment``, and calls ``place``. It
decides nothing itself: every placement rule lives in the engine. A missing dimension,
safety screen or hours figure is an error (AssessmentIncomplete), never a default; anything
else the engine refuses becomes PlacementInputRejected with the engine's stable code and the
form field it concerns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import engines.placement as engine
from engines.placement.instrument_flags import INSTRUMENT_FLAGS
from openiop.admissions.errors import AssessmentIncomplete
from openiop.admissions.models import DIMENSIONS, IntakeAssessment
from openiop.core import clock
from openiop.core.errors import DomainError
from openiop.measures.models import MeasureResponse, Timepoint
from openiop.patients.models import EpisodeOfCare

# ASAM's adolescent criteria apply under 18 (clinical.md §1.1: adolescents have their own
# hour thresholds, 6–19 h/week for IOP against 9–19 for adults).
ADULT_AGE = 18
MISSING_LABELS = {
    "safety_screen": "the safety screen",
    "hours_available_per_week": "the hours available a week",
    **{f"dimension_{n}_rating": f"the rating of ASAM dimension {n}" for n in DIMENSIONS},
}


class PlacementInputRejected(DomainError):
    """The engine refused the assessment (``engine_code``: a PlacementFormatError code such
    as ``safety_screen_mismatch``; ``path``: its JSON path)."""

    code = "placement_input_rejected"

    def __init__(self, message: str, *, engine_code: str, path: str, field: str | None) -> None:
        super().__init__(message, field=field)
        self.engine_code = engine_code
        self.path = path


def missing_fields(assessment: IntakeAssessment) -> list[str]:
    """The fields a completed assessment must have that ``assessment`` lacks, in form order."""
    missing = [
        f"dimension_{n}_rating"
        for n in DIMENSIONS
        if getattr(assessment, f"dimension_{n}_rating") is None
    ]
    if not assessment.safety_screen:
        missing.insert(0, "safety_screen")
    if assessment.hours_available_per_week is None:
        missing.insert(0, "hours_available_per_week")
    return missing


def require_complete(assessment: IntakeAssessment) -> None:
    """Raise AssessmentIncomplete naming each missing field."""
    if missing := missing_fields(assessment):
        labels = ", ".join(MISSING_LABELS[name] for name in missing)
        raise AssessmentIncomplete(f"To complete the assessment, give {labels}.", missing=missing)


def population_on(date_of_birth: dt.date, on: dt.date) -> engine.Population:
    """Adolescent under 18 on ``on``, adult from 18."""
    if clock.age_on(date_of_birth, on) < ADULT_AGE:
        return engine.Population.ADOLESCENT
    return engine.Population.ADULT


def assessment_date(assessment: IntakeAssessment) -> dt.date:
    """The local date of the assessment: when it was completed, or today for a draft."""
    zone = assessment.referral.episode.program.zone
    return clock.localdate(zone, assessment.completed_at)


def intake_responses(episode: EpisodeOfCare) -> list[MeasureResponse]:
    """The latest intake questionnaire of each instrument in ``episode`` (one query)."""
    rows = MeasureResponse.objects.filter(episode=episode, timepoint=Timepoint.INTAKE).order_by(
        "instrument", "-collected_on", "-submitted_at", "-pk"
    )
    latest: dict[str, MeasureResponse] = {}
    for row in rows:
        latest.setdefault(row.instrument, row)
    return list(latest.values())


def _instrument_results(
    responses: Sequence[MeasureResponse],
) -> tuple[engine.InstrumentResult, ...]:
    # Every instrument the engine has rules for is passed with all its flags; one it has no
    # flag table for could raise nothing a rule reads, and the engine would refuse it.
    return tuple(
        engine.InstrumentResult(
            instrument=response.instrument,
            total=response.total,
            flags=tuple(str(flag["code"]) for flag in response.flags),
        )
        for response in responses
        if response.instrument in INSTRUMENT_FLAGS
    )


def _dimensions(assessment: IntakeAssessment) -> tuple[engine.Dimension, ...]:
    return tuple(
        engine.Dimension(
            number=n,
            rating=int(getattr(assessment, f"dimension_{n}_rating")),
            notes=getattr(assessment, f"dimension_{n}_notes"),
        )
        for n in DIMENSIONS
    )


def engine_assessment(
    assessment: IntakeAssessment, responses: Sequence[MeasureResponse]
) -> engine.Assessment:
    """The engine's input for ``assessment`` with the given intake ``responses``. Raises
    AssessmentIncomplete or PlacementInputRejected."""
    require_complete(assessment)
    patient = assessment.referral.episode.patient
    try:
        return engine.Assessment(
            population=population_on(patient.date_of_birth, assessment_date(assessment)),
            dimensions=_dimensions(assessment),
            instruments=_instrument_results(responses),
            safety_screen=engine.SafetyScreen(assessment.safety_screen),
            needs_medical_withdrawal_management=assessment.needs_medical_withdrawal_management,
            home_environment_enables_use=assessment.home_environment_enables_use,
            stable_housing_and_support=assessment.stable_housing_and_support,
            hours_available_per_week=float(assessment.hours_available_per_week or 0),
        )
    except engine.PlacementFormatError as error:
        raise _rejected(error, assessment) from None


def _field_of(path: str) -> str | None:
    if match := re.match(r"^\$\.dimensions\.(\d)", path):
        return f"dimension_{match.group(1)}_rating"
    name = path.removeprefix("$.")
    return name if re.fullmatch(r"[a-z_]+", name) else None


def _rejected(
    error: engine.PlacementFormatError, assessment: IntakeAssessment
) -> PlacementInputRejected:
    message = error.message
    if error.code == "safety_screen_mismatch":
        message = (
            f"The safety screen here is '{assessment.get_safety_screen_display()}', but the "
            "intake ASQ questionnaire says otherwise. Correct the safety screen, or check the "
            "ASQ on the patient's Measures tab."
        )
    return PlacementInputRejected(
        message, engine_code=error.code, path=error.path, field=_field_of(error.path)
    )


def recommend(assessment: IntakeAssessment) -> engine.Decision:
    """Run the engine on ``assessment`` with the episode's latest intake questionnaires.
    Raises AssessmentIncomplete or PlacementInputRejected; pure otherwise (no writes)."""
    responses = intake_responses(assessment.referral.episode)
    return engine.place(engine_assessment(assessment, responses))
