"""Writes of safety plans. A change never edits a version: it saves the next one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max

from openiop.accounts.models import User
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients.models import EpisodeOfCare, EpisodeState, Patient
from openiop.safety_plans.entries import check_sections
from openiop.safety_plans.errors import InvalidSafetyPlan, Problem, SafetyPlanClosed
from openiop.safety_plans.models import SafetyPlan

CHANGE_NOTE_MAX = 300


def safety_plan_entry(action: str, plan: SafetyPlan, **detail: Any) -> Entry:
    """An audit entry about one version (its patient, Part 2 when its episode's program is).
    Details hold counts, never the plan's words."""
    return Entry(
        action=action,
        category=DataCategory.SAFETY_PLAN,
        patient_id=plan.patient_id,
        part2=plan.episode.program.is_part2,
        object_type="safety_plan",
        object_id=str(plan.pk),
        detail={"version": plan.version, **detail},
    )


def _note(change_note: str, first: bool) -> tuple[str, list[Problem]]:
    note = (change_note or "").strip()
    if len(note) > CHANGE_NOTE_MAX:
        message = f"Keep the note to {CHANGE_NOTE_MAX} characters."
        return note, [Problem("too_long", "change_note", message)]
    if not first and not note:
        message = "Say what changed and why (for example: reviewed after Tuesday's screen)."
        return note, [Problem("note_required", "change_note", message)]
    return note, []


@transaction.atomic
def safety_plan_save(
    *,
    actor: Actor,
    episode: EpisodeOfCare,
    by: User,
    sections: Mapping[str, Any],
    change_note: str = "",
) -> SafetyPlan:
    """Save ``sections`` as the patient's next safety-plan version (last version + 1; the
    first is 1), written with the patient by ``by`` during ``episode``. A version after the
    first needs a change note; saving unchanged sections is allowed (it records a review,
    e.g. after a positive screen). Raises SafetyPlanClosed for a discharged episode and
    InvalidSafetyPlan with every problem (``entries.check_sections``); nothing is written
    then. Audits SAFETY_PLAN_SAVED with the entry count of each section."""
    if episode.state == EpisodeState.DISCHARGED:
        raise SafetyPlanClosed("The episode is discharged; write the plan in a current episode.")
    # Lock the patient so that two saves at once cannot both take the same next version.
    Patient.objects.select_for_update().filter(pk=episode.patient_id).first()
    last = SafetyPlan.objects.filter(patient_id=episode.patient_id).aggregate(v=Max("version"))
    previous = int(last["v"] or 0)
    cleaned, problems = check_sections(sections)
    note, note_problems = _note(change_note, previous == 0)
    if problems or note_problems:
        raise InvalidSafetyPlan([*problems, *note_problems])
    plan = SafetyPlan(
        patient_id=episode.patient_id,
        episode=episode,
        version=previous + 1,
        sections=cleaned,
        created_by=by,
        created_at=clock.now(),
        change_note=note,
    )
    plan.full_clean()
    plan.save()
    counts = {key: len(entries) for key, entries in cleaned.items()}
    audit_record(actor=actor, entry=safety_plan_entry("SAFETY_PLAN_SAVED", plan, entries=counts))
    return plan
