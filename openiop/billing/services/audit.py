"""The audit entries the billing services write: always about one episode's patient, Part 2
protected when the episode's program is."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from openiop.audit.models import DataCategory
from openiop.audit.services import Entry
from openiop.billing.errors import InvalidInput, problems_from_validation
from openiop.patients.models import EpisodeOfCare


def episode_entry(
    action: str,
    episode: EpisodeOfCare,
    obj: models.Model,
    *,
    category: DataCategory = DataCategory.INSURANCE,
    **detail: Any,
) -> Entry:
    """An entry naming ``obj`` (its lower-case model name and pk). Callers keep amounts a
    patient reported (income) out of ``detail``: the audit log is read more widely than the
    record."""
    return Entry(
        action=action,
        category=category,
        patient_id=episode.patient_id,
        part2=episode.program.is_part2,
        object_type=obj._meta.model_name or "",
        object_id=str(obj.pk),
        detail=detail,
    )


def clean(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    """``full_clean`` as the billing context's InvalidInput: the backstop behind the explicit
    rules, so a field validator the rules missed still answers with a code."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        raise InvalidInput(problems_from_validation(error)) from error
