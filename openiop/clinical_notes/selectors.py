"""Reads of the clinical-notes context, each with a fixed number of queries.

- ``note_page``: one note with its entries, objectives to choose from, addenda and open
  conflicts (the edit and read pages).
- ``patient_notes``: a patient's notes for the chart tab: for a group note only the shared
  sections and THIS patient's entry are loaded, never another attendee's.
- ``unsigned_notes``: a clinician's drafts and the notes awaiting their co-sign, with ages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q

from openiop.accounts.access import program_ids_with
from openiop.clinical_notes.cloning import SameText, identical_entries
from openiop.clinical_notes.models import (
    Addendum,
    DraftConflict,
    Note,
    NoteEntry,
    NoteKind,
    NoteState,
)
from openiop.clinical_notes.sections import ENTRY_FIELDS, ENTRY_LABELS, Section, sections_for
from openiop.clinical_notes.services import late_entry_deadline
from openiop.core import clock
from openiop.core.capabilities import Capability
from openiop.patients.models import Patient
from openiop.treatment_plans.models import PlanObjective, PlanStatus


@dataclass(frozen=True, slots=True)
class SectionText:
    section: Section
    text: str


@dataclass(frozen=True, slots=True)
class ConflictField:
    """One field of a conflicting save beside the stored version (for merging)."""

    label: str
    stored: str
    theirs: str


@dataclass(frozen=True, slots=True)
class ConflictView:
    conflict: DraftConflict
    fields: tuple[ConflictField, ...]


@dataclass
class NotePage:
    note: Note
    sections: list[SectionText]
    entries: list[NoteEntry]
    objectives: dict[int, list[PlanObjective]]
    addenda: list[Addendum]
    conflicts: list[ConflictView]
    same_text: list[SameText] = field(default_factory=list)
    late_after: dt.datetime | None = None


def _note_sections(note: Note) -> list[SectionText]:
    return [SectionText(s, str(note.body.get(s.key, "") or "")) for s in sections_for(note.kind)]


def objectives_by_episode(episode_ids: Iterable[int]) -> dict[int, list[PlanObjective]]:
    """Each episode's treatment-plan objectives to link a note to (the golden thread): those
    of its active plan, or of its draft plan while none is active. One query."""
    rows = (
        PlanObjective.objects.filter(
            goal__problem__plan__episode_id__in=list(episode_ids),
            goal__problem__plan__status__in=[PlanStatus.ACTIVE, PlanStatus.DRAFT],
        )
        .select_related("goal__problem__plan")
        .order_by("goal__problem__position", "goal__position", "position", "pk")
    )
    by_plan: dict[int, dict[str, list[PlanObjective]]] = {}
    for objective in rows:
        plan = objective.goal.problem.plan
        by_plan.setdefault(plan.episode_id, {}).setdefault(plan.status, []).append(objective)
    return {
        episode_id: plans.get(PlanStatus.ACTIVE) or plans.get(PlanStatus.DRAFT, [])
        for episode_id, plans in by_plan.items()
    }


def _conflict_views(note: Note, entries: list[NoteEntry]) -> list[ConflictView]:
    names = {e.episode_id: e.episode.patient.display_name for e in entries}
    stored_entries = {e.episode_id: e for e in entries}
    views = []
    for conflict in note.conflicts.filter(resolved_at__isnull=True).order_by("saved_at", "pk"):
        rows = [
            ConflictField(s.label, str(note.body.get(s.key, "")), str(conflict.body.get(s.key, "")))
            for s in sections_for(note.kind)
        ]
        for submitted in conflict.entries:
            episode_id = submitted.get("episode_id")
            stored = stored_entries.get(episode_id)
            who = names.get(episode_id, "A patient no longer in this note")
            rows.extend(
                ConflictField(
                    f"{who} — {ENTRY_LABELS[f]}",
                    getattr(stored, f) if stored else "",
                    str(submitted.get(f, "")),
                )
                for f in ENTRY_FIELDS
                if str(submitted.get(f, "")) != (getattr(stored, f) if stored else "")
            )
        views.append(ConflictView(conflict, tuple(r for r in rows if r.stored != r.theirs)))
    return views


def note_page(note: Note) -> NotePage:
    """Everything the note's page shows: sections, entries (patients and objectives linked),
    the objectives each patient's plan offers, addenda, open conflicts side by side with the
    stored text, and (for a draft) the identical-text warning and the late-entry time."""
    entries = list(
        note.entries.select_related("episode__patient")
        .prefetch_related("objectives")
        .order_by("episode__patient__legal_family_name", "episode__patient__legal_given_name")
    )
    draft = note.state == NoteState.DRAFT
    return NotePage(
        note=note,
        sections=_note_sections(note),
        entries=entries,
        objectives=objectives_by_episode(e.episode_id for e in entries) if draft else {},
        addenda=list(note.addenda.select_related("author").order_by("signed_at", "pk")),
        conflicts=_conflict_views(note, entries) if draft else [],
        same_text=identical_entries(note, entries) if draft else [],
        late_after=late_entry_deadline(note) if draft else None,
    )


@dataclass(frozen=True, slots=True)
class ChartNote:
    """A note as one patient's chart shows it: the shared sections and this patient's entry
    only (for a group note, never another attendee's part or name)."""

    note: Note
    entry: NoteEntry
    sections: list[SectionText]
    addenda: list[Addendum]


def patient_notes(patient: Patient, user: Any) -> list[ChartNote]:
    """The patient's notes in programs where ``user`` views patients, newest service first:
    signed, awaiting co-sign and entered in error for everyone, drafts for their author only.
    Three queries (entries with notes, objectives, addenda)."""
    visible = program_ids_with(user, Capability.VIEW_PATIENTS)
    entries = (
        NoteEntry.objects.filter(episode__patient=patient, note__program_id__in=visible)
        .filter(~Q(note__state=NoteState.DRAFT) | Q(note__author_id=user.pk))
        .select_related(
            "note__program",
            "note__session",
            "note__author",
            "note__cosigner",
            "note__error_by",
        )
        .prefetch_related(
            "objectives",
            Prefetch(
                "note__addenda",
                queryset=Addendum.objects.select_related("author").order_by("signed_at", "pk"),
            ),
        )
        .order_by("-note__service_date", "-note__created_at", "-note__pk")
    )
    return [
        ChartNote(e.note, e, _note_sections(e.note), list(e.note.addenda.all())) for e in entries
    ]


@dataclass(frozen=True, slots=True)
class UnsignedNote:
    note: Note
    waiting_for: str  # "signature" (my draft) or "cosign" (a trainee's note)
    since: dt.datetime
    attendees: int
    patient: Patient | None  # the one patient of a non-group note

    @property
    def age(self) -> dt.timedelta:
        return clock.now() - self.since

    @property
    def age_label(self) -> str:
        """Days and hours since the service, e.g. "2 d 5 h" ("under 1 h" when fresh)."""
        hours = int(self.age.total_seconds() // 3600)
        if hours < 1:
            return "under 1 h"
        days, hours = divmod(hours, 24)
        return f"{days} d {hours} h" if days else f"{hours} h"


def _service_moment(note: Note) -> dt.datetime:
    if note.session is not None:
        return note.session.ends_at
    return dt.datetime.combine(note.service_date, dt.time(0), tzinfo=note.program.zone)


def unsigned_notes(user: Any) -> list[UnsignedNote]:
    """``user``'s drafts and the notes awaiting their co-sign, in programs where they write
    notes, oldest service first, each with its age (since the session ended, or since the
    start of the service date). Two queries, however many notes."""
    programs = program_ids_with(user, Capability.WRITE_NOTES)
    notes = (
        Note.objects.filter(program_id__in=programs)
        .filter(
            Q(author_id=user.pk, state=NoteState.DRAFT)
            | Q(cosigner_id=user.pk, state=NoteState.AWAITING_COSIGN)
        )
        .select_related("program", "session__cohort", "author")
        .annotate(attendee_count=Count("entries"))
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=NoteEntry.objects.select_related("episode__patient").order_by("pk"),
            )
        )
    )
    rows = []
    for note in notes:
        entries = list(note.entries.all())
        rows.append(
            UnsignedNote(
                note=note,
                waiting_for="signature" if note.state == NoteState.DRAFT else "cosign",
                since=_service_moment(note),
                attendees=note.attendee_count,
                patient=entries[0].episode.patient
                if entries and note.kind != NoteKind.GROUP
                else None,
            )
        )
    return sorted(rows, key=lambda r: (r.since, r.note.pk))


def session_notes(session: Any) -> list[Note]:
    """The notes of a session that are not entered in error (at most one per kind), with
    their authors."""
    return list(
        Note.objects.filter(session=session)
        .exclude(state=NoteState.ENTERED_IN_ERROR)
        .select_related("author")
        .order_by("pk")
    )
