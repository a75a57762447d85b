"""Audit entries of the scheduling context (written by its services, in their transaction)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openiop.audit.models import DataCategory
from openiop.audit.services import Entry
from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import Program


def program_entry(action: str, program: Program, obj: str, pk: int, **detail: Any) -> Entry:
    """An event about the program's schedule as a whole: it names no patient."""
    return Entry(
        action=action,
        category=DataCategory.NONE,
        part2=program.is_part2,
        object_type=obj,
        object_id=str(pk),
        detail={"program_id": program.pk, **detail},
    )


def patient_entries(
    action: str,
    program: Program,
    episodes: Iterable[EpisodeOfCare],
    obj: str,
    pk: int,
    **detail: Any,
) -> list[Entry]:
    """One event per patient concerned, so each patient's access history shows it."""
    return [
        Entry(
            action=action,
            category=DataCategory.EPISODE,
            patient_id=e.patient_id,
            part2=program.is_part2,
            object_type=obj,
            object_id=str(pk),
            detail={"episode_id": e.pk, **detail},
        )
        for e in episodes
    ]
