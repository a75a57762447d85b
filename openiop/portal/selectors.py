"""Reads for the portal: what a patient's link shows them, and a patient's links for staff.

The patient sees only their own episode's active plan (never a draft, never review notes or
intake evidence) and their own current safety plan."""

from __future__ import annotations

from collections.abc import Iterable

from openiop.patients.models import OPEN_STATES, EpisodeOfCare, Patient
from openiop.portal.models import PortalAccess
from openiop.safety_plans.models import SafetyPlan
from openiop.safety_plans.selectors import safety_plan_current
from openiop.treatment_plans.models import PlanStatus
from openiop.treatment_plans.selectors import PlanOverview, plan_overview


def portal_plan(access: PortalAccess) -> PlanOverview | None:
    """The link's episode's active plan with its tree, or None when it has none (a draft
    is not shown to the patient)."""
    overview = plan_overview(access.episode)
    if overview is None or overview.plan.status != PlanStatus.ACTIVE:
        return None
    return overview


def portal_safety_plan(access: PortalAccess) -> SafetyPlan | None:
    """The patient's current safety plan, or None."""
    return safety_plan_current(access.patient_id)


def portal_links(patient: Patient, program_ids: Iterable[int]) -> list[PortalAccess]:
    """The patient's links in ``program_ids``, newest first, with who made them. One query."""
    return list(
        PortalAccess.objects.filter(patient=patient, episode__program_id__in=list(program_ids))
        .select_related("created_by", "episode__program")
        .order_by("-created_at", "-pk")
    )


def portal_episodes(patient: Patient, program_ids: Iterable[int]) -> list[EpisodeOfCare]:
    """The patient's open episodes in ``program_ids`` (a new link is for one of them). One
    query."""
    return list(
        patient.episodes.filter(program_id__in=list(program_ids), state__in=OPEN_STATES)
        .select_related("program")
        .order_by("-referred_on", "-pk")
    )
