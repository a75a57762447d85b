"""Reads of safety plans: a patient's versions, one version laid out by section, and whether
an open safety alert calls for a (new) plan.

Staff read the versions written in the programs given (those where they see patients): a
version written in a 42 CFR Part 2 program is not shown to another program's staff. The
patient, in the portal, reads all of their own (``program_ids`` None)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from openiop.measures.models import SafetyAlert
from openiop.patients.models import Patient
from openiop.safety_plans.models import SafetyPlan
from openiop.safety_plans.sections import SECTIONS, Section


@dataclass(frozen=True, slots=True)
class SectionView:
    section: Section
    entries: list[Any]


def _versions(patient_id: int, program_ids: Collection[int] | None) -> QuerySet[SafetyPlan]:
    versions = SafetyPlan.objects.filter(patient_id=patient_id)
    if program_ids is not None:
        versions = versions.filter(episode__program_id__in=list(program_ids))
    return versions.select_related("created_by", "episode__program").order_by("-version")


def safety_plan_versions(
    patient: Patient, program_ids: Collection[int] | None = None
) -> list[SafetyPlan]:
    """The versions of the patient's plan written in ``program_ids`` (None: all), newest
    first, with author and episode's program. One query."""
    return list(_versions(patient.pk, program_ids))


def safety_plan_current(
    patient_id: int, program_ids: Collection[int] | None = None
) -> SafetyPlan | None:
    """The patient's latest version written in ``program_ids`` (None: any), or None. One
    query."""
    return _versions(patient_id, program_ids).first()


def sections_of(plan: SafetyPlan | None) -> list[SectionView]:
    """The six sections in order with the version's entries (none for a missing key)."""
    stored = plan.sections if plan is not None else {}
    return [SectionView(s, list(stored.get(s.key) or [])) for s in SECTIONS]


def alert_needing_plan(
    patient: Patient, current: SafetyPlan | None, program_ids: Collection[int]
) -> SafetyAlert | None:
    """The latest open safety alert in ``program_ids`` raised after the current version was
    saved (any open alert when there is no plan): a positive suicide-risk screen calls for
    creating or reviewing the safety plan (clinical.md §2.2, §4). One query."""
    alerts = SafetyAlert.objects.filter(
        patient=patient, acknowledged_at__isnull=True, episode__program_id__in=list(program_ids)
    ).select_related("episode__program")
    if current is not None:
        alerts = alerts.filter(raised_at__gt=current.created_at)
    return alerts.order_by("-raised_at").first()
