"""Saving a draft, with optimistic concurrency that never loses text (security.md R26, R30).

A save names the version it was based on. If someone saved in between, nothing is
overwritten: the submitted text is stored as a ``DraftConflict`` (committed) and the caller
gets ``DraftConflictError``; the author merges the two versions and saves again, naming the
conflicts the merge resolves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction

from openiop.accounts.models import User
from openiop.audit.services import audit_record_many
from openiop.clinical_notes.attendees import group_attendees
from openiop.clinical_notes.errors import (
    DraftConflictError,
    NoteInputInvalid,
    NotInCohort,
    ObjectiveNotInPlan,
)
from openiop.clinical_notes.models import DraftConflict, Note, NoteEntry, NoteKind
from openiop.clinical_notes.sections import ENTRY_FIELD_LIMIT, ENTRY_FIELDS, clean_body, clean_text
from openiop.clinical_notes.services.audit import note_entries
from openiop.clinical_notes.services.guards import locked_note, require_author, require_draft
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients.models import EpisodeOfCare
from openiop.treatment_plans.models import PlanObjective


@dataclass(frozen=True, slots=True)
class EntryInput:
    """One patient's part of a draft as submitted. For a group note: the attendee's
    participation, response and plan; for other notes these stay empty. ``objective_ids``
    are the treatment-plan objectives addressed (the golden thread)."""

    episode_id: int
    participation: str = ""
    response: str = ""
    plan: str = ""
    objective_ids: tuple[int, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "episode_id": self.episode_id,
            "participation": self.participation,
            "response": self.response,
            "plan": self.plan,
            "objective_ids": list(self.objective_ids),
        }


def _clean_entry(entry: EntryInput, *, group: bool) -> EntryInput:
    texts = {
        f: clean_text(getattr(entry, f), field=f"{entry.episode_id}-{f}", limit=ENTRY_FIELD_LIMIT)
        for f in ENTRY_FIELDS
    }
    if not group and any(texts.values()):
        raise NoteInputInvalid("Only a group note has individualized sections per patient.")
    return EntryInput(
        episode_id=entry.episode_id,
        participation=texts["participation"],
        response=texts["response"],
        plan=texts["plan"],
        objective_ids=tuple(sorted(set(entry.objective_ids))),
    )


def _clean_entries(entries: Sequence[EntryInput], *, group: bool) -> list[EntryInput]:
    cleaned = [_clean_entry(e, group=group) for e in entries]
    if len({e.episode_id for e in cleaned}) != len(cleaned):
        raise NoteInputInvalid("A patient appears twice in the submitted entries.")
    return cleaned


def note_save_draft(
    *,
    actor: Actor,
    note: Note,
    by: User,
    base_version: int,
    body: Mapping[str, object],
    entries: Sequence[EntryInput] = (),
    resolves: Sequence[int] = (),
) -> Note:
    """Save ``by``'s edit of a draft: the sections in ``body`` (all of the note's kind; a
    missing one is saved empty) and the submitted ``entries`` (entries not submitted keep
    their text). ``resolves`` names open conflicts of the note that this save merges.

    For a group note, entries follow attendance: attendees checked in since the note was
    started get an entry, and an entry whose patient no longer attended is dropped once its
    text is empty. Raises NotAuthor (403), NoteSigned (409), NoteInputInvalid (text),
    NotInCohort (an entry for someone who did not attend as a member of the group),
    ObjectiveNotInPlan (an objective of another patient's plan) — nothing is written — and
    DraftConflictError (409) when ``base_version`` is not the stored version: then the
    submitted text IS stored as a DraftConflict (audited NOTE_CONFLICT_KEPT) and the stored
    version is untouched. Audits NOTE_SAVED per patient.
    """
    outcome = _save(
        actor=actor,
        note=note,
        by=by,
        base_version=base_version,
        body=body,
        entries=entries,
        resolves=resolves,
    )
    if isinstance(outcome, DraftConflict):
        # Raised after the transaction committed, so the kept text survives the error.
        raise DraftConflictError(outcome)
    return outcome


@transaction.atomic
def _save(
    *,
    actor: Actor,
    note: Note,
    by: User,
    base_version: int,
    body: Mapping[str, object],
    entries: Sequence[EntryInput],
    resolves: Sequence[int],
) -> Note | DraftConflict:
    note = locked_note(note)
    require_author(note, by, "edit")
    require_draft(note)
    group = note.kind == NoteKind.GROUP
    sections = clean_body(note.kind, body)
    inputs = _clean_entries(entries, group=group)
    current = {e.episode_id: e for e in note.entries.select_related("episode__patient")}
    if base_version != note.version:
        return _keep_conflict(actor, note, by, base_version, sections, inputs, current)
    attendees = _attendees(note, current)
    allowed = attendees.keys() | current.keys()
    if any(e.episode_id not in allowed for e in inputs):
        raise NotInCohort(
            "An entry names someone who did not attend this session as a member of its group."
        )
    _check_objectives(inputs)
    added = _sync_attendees(note, attendees, current)
    _apply(note, current, inputs)
    removed = _drop_absent(note, attendees, current) if group else []
    note.body = sections
    note.version += 1
    note.updated_at = clock.now()
    note.full_clean()
    note.save(update_fields=["body", "version", "updated_at"])
    resolved = _resolve(note, resolves)
    episodes = [e.episode for e in current.values()] + removed
    detail = {"version": note.version, "added": len(added), "removed": len(removed)}
    audit_record_many(
        actor=actor,
        entries=note_entries("NOTE_SAVED", note, episodes, conflicts_resolved=resolved, **detail),
    )
    return note


def _attendees(note: Note, current: dict[int, NoteEntry]) -> dict[int, EpisodeOfCare]:
    """Who may have an entry: a group's attendees, or the one patient of any other note."""
    if note.kind != NoteKind.GROUP or note.session is None:
        return {pk: entry.episode for pk, entry in current.items()}
    return {e.pk: e for e in group_attendees(note.session, note.service_date)}


def _check_objectives(inputs: Sequence[EntryInput]) -> None:
    wanted = {pk for e in inputs for pk in e.objective_ids}
    owners = dict(
        PlanObjective.objects.filter(pk__in=wanted).values_list(
            "pk", "goal__problem__plan__episode_id"
        )
    )
    for entry in inputs:
        if any(owners.get(pk) != entry.episode_id for pk in entry.objective_ids):
            raise ObjectiveNotInPlan(
                "An objective chosen is not in that patient's treatment plan.",
                field=f"{entry.episode_id}-objectives",
            )


def _sync_attendees(
    note: Note, attendees: dict[int, EpisodeOfCare], current: dict[int, NoteEntry]
) -> list[NoteEntry]:
    """Entries for attendees checked in since the note was started."""
    new = [NoteEntry(note=note, episode=e) for pk, e in attendees.items() if pk not in current]
    created = NoteEntry.objects.bulk_create(new)
    current.update({e.episode_id: e for e in created})
    return created


def _apply(note: Note, current: dict[int, NoteEntry], inputs: Sequence[EntryInput]) -> None:
    changed = []
    for entry_input in inputs:
        entry = current[entry_input.episode_id]
        for f in ENTRY_FIELDS:
            setattr(entry, f, getattr(entry_input, f))
        changed.append(entry)
        entry.objectives.set(entry_input.objective_ids)
    if changed:
        NoteEntry.objects.bulk_update(changed, list(ENTRY_FIELDS))


def _drop_absent(
    note: Note, attendees: dict[int, EpisodeOfCare], current: dict[int, NoteEntry]
) -> list[EpisodeOfCare]:
    """Remove the empty entries of people whose attendance was corrected to absent; one with
    text stays (signing then refuses it) so no text is ever lost."""
    gone = [
        entry
        for pk, entry in current.items()
        if pk not in attendees and not any(getattr(entry, f) for f in ENTRY_FIELDS)
    ]
    for entry in gone:
        entry.objectives.clear()
        entry.delete()
        del current[entry.episode_id]
    return [entry.episode for entry in gone]


def _resolve(note: Note, resolves: Sequence[int]) -> list[int]:
    ids = list(
        DraftConflict.objects.filter(
            note=note, pk__in=list(resolves), resolved_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if ids:
        DraftConflict.objects.filter(pk__in=ids).update(resolved_at=clock.now())
    return ids


def _keep_conflict(
    actor: Actor,
    note: Note,
    by: User,
    base_version: int,
    sections: dict[str, str],
    inputs: Sequence[EntryInput],
    current: dict[int, NoteEntry],
) -> DraftConflict:
    conflict = DraftConflict(
        note=note,
        author=by,
        base_version=base_version,
        body=sections,
        entries=[e.as_json() for e in inputs],
        saved_at=clock.now(),
    )
    conflict.full_clean(exclude=["entries"])  # may be [] (a save of the sections only)
    conflict.save()
    episodes = [e.episode for e in current.values()]
    detail = {"conflict_id": conflict.pk, "base_version": base_version, "version": note.version}
    audit_record_many(
        actor=actor, entries=note_entries("NOTE_CONFLICT_KEPT", note, episodes, **detail)
    )
    return conflict
