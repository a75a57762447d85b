"""What the plan services share: the audit entry they write, the lock they take before a
change, and the input checks of the plan's free text.

Every entry is about the plan's patient, Part 2 protected when the episode's program is.
Details name fields and counts, never the clinical text itself: the audit log is read more
widely than the chart."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from openiop.audit.models import DataCategory
from openiop.audit.services import Entry
from openiop.patients.models import EpisodeState
from openiop.treatment_plans.errors import InvalidPlanInput, PlanNotEditable
from openiop.treatment_plans.models import PlanStatus, TreatmentPlan


def plan_entry(action: str, plan: TreatmentPlan, obj: models.Model, **detail: Any) -> Entry:
    """An entry naming ``obj`` (its model name and pk) on ``plan``'s patient."""
    episode = plan.episode
    return Entry(
        action=action,
        category=DataCategory.TREATMENT_PLAN,
        patient_id=episode.patient_id,
        part2=episode.program.is_part2,
        object_type=obj._meta.model_name or "",
        object_id=str(obj.pk),
        detail={"plan_id": plan.pk, "revision": plan.revision, **detail},
    )


def locked_plan(plan_id: int) -> TreatmentPlan:
    """The plan row, locked for this transaction (PostgreSQL; SQLite serialises writers),
    with its episode and program, so concurrent changes bump ``revision`` one at a time."""
    return (
        TreatmentPlan.objects.select_for_update(of=("self",))
        .select_related("episode__program", "episode__patient")
        .get(pk=plan_id)
    )


def require_editable(plan: TreatmentPlan) -> None:
    """Raise PlanNotEditable unless the plan's episode is admitted."""
    if plan.episode.state != EpisodeState.ADMITTED:
        raise PlanNotEditable("The treatment plan can change only while the patient is admitted.")


def bump_revision(plan: TreatmentPlan) -> None:
    """Count a change to an active plan: the patient's acknowledgement was of the previous
    revision, so a new one is needed. Drafts are not counted (nobody has acknowledged them)."""
    if plan.status == PlanStatus.ACTIVE:
        plan.revision += 1
        plan.save(update_fields=["revision"])


def text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """``value`` stripped; InvalidPlanInput when required and empty, or too long."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidPlanInput(f"Enter the {label}.", code="required", field=field)
    if len(cleaned) > max_length:
        raise InvalidPlanInput(
            f"Keep the {label} to {max_length} characters (it has {len(cleaned)}).",
            code="too_long",
            field=field,
        )
    return cleaned


def clean(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    """``full_clean`` as InvalidPlanInput: the backstop behind the explicit rules."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidPlanInput(
            " ".join(messages), code="invalid", field=None if field == "__all__" else field
        ) from error
