"""Fetch-and-authorize for notes and the sessions and patients they document (Zulip's
access_stream_by_id pattern).

A note is reached only through its program: reading needs VIEW_PATIENTS there, writing
WRITE_NOTES. "Missing" and "not yours" raise the same NotFound, and the refusal is audited
naming no patient (security.md R11, R17): an addendum to another program's note is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from openiop.accounts.access import program_ids_with
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record, audit_record_many
from openiop.clinical_notes.models import Note
from openiop.clinical_notes.services.audit import note_entries
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.patients.access import patient_access
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.scheduling.models import ScheduledSession

_MAX_ID = 2**63 - 1


def _denied(actor: Actor, action: str, **detail: str) -> NotFound:
    audit_record(
        actor=actor,
        entry=Entry(
            action=action, category=DataCategory.NOTES, outcome=Outcome.DENIED, detail=detail
        ),
    )
    return NotFound("No such note.")


def _one[M: Model](queryset: QuerySet[M], pk: int, *, actor: Actor, action: str) -> M:
    found = queryset.filter(pk=pk).first() if 0 < pk <= _MAX_ID else None
    if found is None:
        name = queryset.model._meta.model_name or "record"
        raise _denied(actor, action, **{f"requested_{name}_id": str(pk)})
    return found


def note_access(
    user: Any,
    note_id: int,
    *,
    actor: Actor,
    capability: Capability,
    action: str,
    audit_success: bool = True,
) -> Note:
    """The note if ``user`` holds ``capability`` in its program (VIEW_PATIENTS to read,
    WRITE_NOTES to write), with program, session, author and cosigner loaded. On success
    audits ``action`` once per patient of the note, unless ``audit_success`` is False (a
    write follows and its service audits). Raises NotFound, audited as a denied ``action``,
    for a missing note or one of another program."""
    notes = Note.objects.select_related("program", "session", "author", "cosigner").filter(
        program_id__in=program_ids_with(user, capability)
    )
    note = _one(notes, note_id, actor=actor, action=action)
    if audit_success:
        episodes = [e.episode for e in note.entries.select_related("episode").order_by("pk")]
        audit_record_many(actor=actor, entries=note_entries(action, note, episodes))
    return note


def session_for_note(user: Any, session_id: int, *, actor: Actor, action: str) -> ScheduledSession:
    """A session of a program where ``user`` writes notes (WRITE_NOTES), with program and
    cohort loaded; NotFound otherwise, audited as a denied ``action``."""
    sessions = ScheduledSession.objects.select_related("program", "cohort", "clinician").filter(
        program_id__in=program_ids_with(user, Capability.WRITE_NOTES)
    )
    return _one(sessions, session_id, actor=actor, action=action)


def episode_for_note(user: Any, patient_id: int, *, actor: Actor, action: str) -> EpisodeOfCare:
    """The episode a chart note documents: the patient's admitted episode (else the latest
    one) in a program where ``user`` writes notes. Raises NotFound, audited by
    ``patient_access``, for a missing patient or one outside those programs."""
    patient = patient_access(
        user,
        patient_id,
        actor=actor,
        capability=Capability.WRITE_NOTES,
        action=action,
        category=DataCategory.NOTES,
        audit_success=False,
    )
    episodes = EpisodeOfCare.objects.select_related("program", "patient").filter(
        patient=patient, program_id__in=program_ids_with(user, Capability.WRITE_NOTES)
    )
    admitted = episodes.filter(state=EpisodeState.ADMITTED).order_by("-pk").first()
    episode = admitted or episodes.order_by("-pk").first()
    if episode is None:  # patient_access found an episode in those programs
        raise _denied(actor, action, requested_patient_id=str(patient_id))
    return episode


def can_write_notes(user: Any, program_id: int) -> bool:
    """Whether ``user`` writes notes in the program (for showing forms; the writes check
    again)."""
    return program_id in program_ids_with(user, Capability.WRITE_NOTES)
