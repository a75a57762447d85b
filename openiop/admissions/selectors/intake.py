"""Reads of the intake: the assessment, the intake questionnaires, the level-of-care decision
with its three levels kept apart (recommended by the engine, decided by the clinician,
authorized by the payer), the admission, and the referral page's intake panel.

Callers have authorized the referral (``referral_access``) and audited the read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import engines.instruments as instruments
import engines.placement as engine
from engines.occasions import Occasion, Status
from openiop.accounts.access import program_ids_with
from openiop.admissions.access import referral_entry
from openiop.admissions.models import (
    OPEN_STAGES,
    Admission,
    AssessmentStatus,
    IntakeAssessment,
    PlacementDecision,
    PlacementLevel,
    Referral,
    Stage,
    WaitlistEntry,
)
from openiop.admissions.readiness import ReadinessItem, open_items
from openiop.audit.models import DataCategory
from openiop.audit.services import audit_record
from openiop.billing.models import Authorization
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.measures.models import MeasureResponse, Timepoint
from openiop.measures.schedule import occasion_statuses, schedule_pairs
from openiop.patients.models import EpisodeOfCare


@dataclass(frozen=True, slots=True)
class Levels:
    """The episode's three levels, as labels (None when not set yet)."""

    recommended: str | None
    clinical: str | None
    payer: str | None
    is_override: bool = False
    override_reason: str = ""


@dataclass(frozen=True, slots=True)
class IntakeMeasureRow:
    """One intake questionnaire: its latest response, or the open occasion to record it."""

    instrument: instruments.Instrument
    response: MeasureResponse | None
    occasion: Occasion | None
    status: Status | None

    @property
    def severity_label(self) -> str:
        if self.response is None or not self.response.severity:
            return ""
        band = next((b for b in self.instrument.bands if b.key == self.response.severity), None)
        return band.label if band else self.response.severity


def latest_assessment(referral: Referral, status: AssessmentStatus) -> IntakeAssessment | None:
    """The referral's latest assessment with ``status`` (there is at most one draft)."""
    order = "-started_at" if status == AssessmentStatus.DRAFT else "-completed_at"
    return (
        IntakeAssessment.objects.filter(referral=referral, status=status)
        .select_related("assessor")
        .order_by(order, "-pk")
        .first()
    )


def current_decision(referral: Referral) -> PlacementDecision | None:
    """The latest level-of-care decision on the latest completed assessment."""
    latest = latest_assessment(referral, AssessmentStatus.COMPLETED)
    if latest is None:
        return None
    return latest.decisions.select_related("decided_by").order_by("-decided_at", "-pk").first()


def payer_level(episode: EpisodeOfCare) -> str | None:
    """The level of the payer's latest approved authorization for ``episode``."""
    approved = (
        Authorization.objects.filter(episode=episode, decided_at__isnull=False, denied_reason="")
        .order_by("-decided_at", "-pk")
        .first()
    )
    return approved.get_level_display() if approved else None


def episode_levels(referral: Referral) -> Levels:
    """Recommended, clinical and payer-authorized levels, side by side, never merged."""
    decision = current_decision(referral)
    payer = payer_level(referral.episode)
    if decision is None:
        return Levels(None, None, payer)
    return Levels(
        recommended=decision.get_recommended_level_display(),
        clinical=decision.get_clinical_level_display(),
        payer=payer,
        is_override=decision.is_override,
        override_reason=decision.override_reason,
    )


def level_provided(referral: Referral, decision: PlacementDecision | None) -> bool:
    """Whether the decided clinical level is the level the referral's program provides."""
    return decision is None or decision.clinical_level == referral.episode.program.level_of_care


def intake_measures(episode: EpisodeOfCare) -> list[IntakeMeasureRow]:
    """The program's intake questionnaires for ``episode`` (latest response of each, or its
    occasion), plus any other intake responses on file; two queries."""
    responses: dict[str, MeasureResponse] = {}
    for row in MeasureResponse.objects.filter(episode=episode, timepoint=Timepoint.INTAKE).order_by(
        "instrument", "-collected_on", "-submitted_at", "-pk"
    ):
        responses.setdefault(row.instrument, row)
    answered = {(r.instrument, r.timepoint, r.due_on) for r in responses.values()}
    schedule = [(i, t) for i, t in schedule_pairs(episode.program_id) if t == Timepoint.INTAKE]
    today = clock.localdate(episode.program.zone)
    occasions = {
        o.instrument: (o, s) for o, s in occasion_statuses(episode, schedule, answered, today=today)
    }
    codes = sorted(set(responses) | set(occasions))
    return [
        IntakeMeasureRow(
            instrument=instruments.get(code),
            response=responses.get(code),
            occasion=occasions[code][0] if code in occasions else None,
            status=occasions[code][1] if code in occasions else None,
        )
        for code in codes
    ]


def level_name(code: str) -> str:
    """A level code of the engine as its name ("iop" → "Intensive outpatient")."""
    try:
        return engine.level_by_code(code).name
    except engine.UnknownLevelError:
        return code


def decision_view(output: dict[str, Any]) -> dict[str, Any]:
    """The engine's decision JSON with level codes spelled out for the page."""
    would = output["would_change"]
    return {
        **output,
        "fired": [
            {**f, "floor_name": level_name(f["floor"]) if f["floor"] else ""}
            for f in output["fired"]
        ],
        "exclusions": [{**e, "name": level_name(e["level"])} for e in output["exclusions"]],
        "would_change": {
            "lower": would["lower"],
            "raise": [{**r, "name": level_name(r["level"])} for r in would["raise"]],
        },
    }


def _can(user: Any, program_id: int) -> dict[str, bool]:
    capabilities = {
        "assess": Capability.ASSESS_INTAKE,
        "decide": Capability.DECIDE_LEVEL_OF_CARE,
        "admit": Capability.ADMIT_PATIENT,
        "measures": Capability.ADMINISTER_MEASURES,
        "referrals": Capability.MANAGE_REFERRALS,
    }
    return {k: program_id in program_ids_with(user, c) for k, c in capabilities.items()}


def admission_of(referral: Referral) -> Admission | None:
    return Admission.objects.filter(referral=referral).select_related("admitted_by").first()


def _holds_offer(referral: Referral) -> bool:
    return WaitlistEntry.objects.filter(
        referral=referral,
        closed_at__isnull=True,
        offered_at__isnull=False,
        offer_declined_at__isnull=True,
    ).exists()


def intake_panel(*, user: Any, referral: Referral) -> dict[str, Any]:
    """What the referral page shows of the intake: assessment status, open readiness items,
    the decision with the three levels, whether the program provides the decided level, the
    admission, and which actions ``user`` may take."""
    draft = latest_assessment(referral, AssessmentStatus.DRAFT)
    completed = latest_assessment(referral, AssessmentStatus.COMPLETED)
    decision = current_decision(referral)
    readiness: list[ReadinessItem] = open_items(completed.readiness) if completed else []
    return {
        "referral": referral,
        "draft": draft,
        "completed": completed,
        "decision": decision,
        "levels": episode_levels(referral),
        "provided": level_provided(referral, decision),
        "program_level": referral.episode.program.get_level_of_care_display(),
        "open_readiness": readiness,
        "admission": admission_of(referral),
        "is_open": referral.stage in OPEN_STAGES,
        "may_admit": referral.stage == Stage.AUTHORIZED or _holds_offer(referral),
        "can": _can(user, referral.episode.program_id),
    }


def assessment_age(referral: Referral, on: dt.date) -> int:
    """The patient's age in completed years on ``on``."""
    return clock.age_on(referral.episode.patient.date_of_birth, on)


def placement_levels() -> list[tuple[str, str]]:
    """The decision form's choices, least intensive first (the engine's order)."""
    labels = dict(PlacementLevel.choices)
    return [(level.code, labels[level.code]) for level in engine.LEVELS]


def assessment_page(*, actor: Actor, referral: Referral) -> dict[str, Any]:
    """The assessment page's data: the draft, the latest completed assessment and the intake
    questionnaires. Audits ASSESSMENT_VIEWED (category ASSESSMENT)."""
    draft = latest_assessment(referral, AssessmentStatus.DRAFT)
    completed = latest_assessment(referral, AssessmentStatus.COMPLETED)
    shown = draft or completed
    audit_record(
        actor=actor,
        entry=referral_entry(
            "ASSESSMENT_VIEWED",
            referral,
            category=DataCategory.ASSESSMENT,
            object_type="intake_assessment" if shown else "referral",
            object_id=shown.pk if shown else None,
        ),
    )
    return {
        "draft": draft,
        "completed": completed,
        "measures": intake_measures(referral.episode),
        "open_readiness": open_items(completed.readiness) if completed else [],
    }
