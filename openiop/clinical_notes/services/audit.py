"""Audit entries of the clinical-notes context, written by its services in their transaction.

A note is audited once per patient it documents (one entry per ``NoteEntry``), so a group
note shows in each attendee's access history and in no one else's. Details carry ids and
flags only, never note text (logs and the audit hold no clinical content).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.clinical_notes.models import Note
from openiop.core.actor import Actor
from openiop.patients.models import EpisodeOfCare


def note_entries(
    action: str, note: Note, episodes: Iterable[EpisodeOfCare], **detail: Any
) -> list[Entry]:
    """One ``action`` event per patient of ``note``."""
    return [
        Entry(
            action=action,
            category=DataCategory.NOTES,
            patient_id=episode.patient_id,
            part2=note.program.is_part2,
            object_type="note",
            object_id=str(note.pk),
            detail={"episode_id": episode.pk, "kind": note.kind, **detail},
        )
        for episode in episodes
    ]


def note_refused(actor: Actor, note: Note, action: str, code: str) -> None:
    """Record a refused attempt (wrong password, not the author) on its own, naming no
    patient, so it survives the refusal that follows (security.md R17)."""
    audit_record(
        actor=actor,
        entry=Entry(
            action=action,
            category=DataCategory.NOTES,
            outcome=Outcome.DENIED,
            part2=note.program.is_part2,
            object_type="note",
            object_id=str(note.pk),
            detail={"code": code},
        ),
    )
