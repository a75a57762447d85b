"""Signing and what may follow it: co-signing a trainee's note, addenda, entered in error.

Every signature asks for the signer's password again (issue 6, item 6). A signed note never
changes; corrections are separate, dated and signed rows (CMS Program Integrity Manual
ch. 3 §3.3.2.5: amendments, corrections and delayed entries are clearly marked, dated and
attributed, and no original content is deleted; security.md R24).

Each public service first checks who is acting and their password outside the write
transaction, so a refused attempt is audited (naming no patient) even though it raises;
the write itself then runs in one transaction on the locked note.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from openiop.accounts.access import program_ids_with
from openiop.accounts.models import Membership, User
from openiop.accounts.roles import ProgramRole
from openiop.audit.services import audit_record_many
from openiop.clinical_notes.attendees import group_attendees
from openiop.clinical_notes.cloning import identical_entries
from openiop.clinical_notes.errors import (
    ConflictOpen,
    IdenticalEntries,
    NoEntries,
    NotAllowed,
    NotAuthor,
    NotCosigner,
    NoteSigned,
    NotInCohort,
    ReasonRequired,
    SectionsMissing,
    SupervisorUnavailable,
    TextRequired,
)
from openiop.clinical_notes.models import Addendum, Note, NoteEntry, NoteKind, NoteState
from openiop.clinical_notes.sections import (
    ADDENDUM_LIMIT,
    REASON_LIMIT,
    clean_text,
    missing_sections,
)
from openiop.clinical_notes.services.audit import note_entries
from openiop.clinical_notes.services.guards import (
    check_password,
    locked_note,
    refuse,
    require_author,
    require_draft,
    require_signed,
    require_writer,
)
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability


def late_entry_deadline(note: Note) -> dt.datetime:
    """When signing ``note`` becomes a late entry: the session's end (or, without a session,
    the end of the service date in the program's zone) plus ``Program.late_entry_hours``
    (program policy, default 48 h; CMS PIM ch. 3 §3.3.2.5 asks that delayed entries be
    identified as such)."""
    program = note.program
    if note.session is not None:
        ended = note.session.ends_at
    else:
        next_day = note.service_date + dt.timedelta(days=1)
        ended = dt.datetime.combine(next_day, dt.time(0), tzinfo=program.zone)
    return ended + dt.timedelta(hours=program.late_entry_hours)


def _episodes(note: Note) -> list[NoteEntry]:
    return list(note.entries.select_related("episode__patient").order_by("pk"))


def note_sign(
    *, actor: Actor, note: Note, by: User, password: str, confirm_identical: bool = False
) -> Note:
    """Sign a draft as its author ``by`` after re-checking ``password``.

    Sets ``signed_at`` and ``late_entry`` (``late_entry_deadline``). If the author's
    membership in the program names a supervisor (a trainee), the note waits for that
    supervisor's co-sign (AWAITING_COSIGN); otherwise it is SIGNED. Raises NotAuthor (403)
    and PasswordIncorrect (both audited as denied NOTE_SIGNED), NoteSigned (409, not a
    draft), ConflictOpen (a conflicting version not merged), SectionsMissing, NoEntries,
    NotInCohort (an entry of someone no longer checked in as attending), IdenticalEntries
    (identical or empty individualized text, unless ``confirm_identical``) and
    SupervisorUnavailable. Audits NOTE_SIGNED per patient.
    """
    if note.author_id != by.pk:
        raise refuse(actor, note, "NOTE_SIGNED", NotAuthor("Only the author may sign this note."))
    check_password(actor, note, by, password, "NOTE_SIGNED")
    return _sign(actor=actor, note=note, by=by, confirm_identical=confirm_identical)


@transaction.atomic
def _sign(*, actor: Actor, note: Note, by: User, confirm_identical: bool) -> Note:
    note = locked_note(note)
    require_author(note, by, "sign")
    require_draft(note)
    entries = _episodes(note)
    _check_complete(note, entries, confirm_identical=confirm_identical)
    now = clock.now()
    cosigner = _cosigner(note)
    note.state = NoteState.SIGNED if cosigner is None else NoteState.AWAITING_COSIGN
    note.cosigner = cosigner
    note.signed_at = now
    note.late_entry = now > late_entry_deadline(note)
    note.full_clean()
    note.save(update_fields=["state", "cosigner", "signed_at", "late_entry"])
    detail = {"late_entry": note.late_entry, "awaiting_cosign": cosigner is not None}
    audit_record_many(
        actor=actor,
        entries=note_entries("NOTE_SIGNED", note, [e.episode for e in entries], **detail),
    )
    return note


def _check_complete(note: Note, entries: list[NoteEntry], *, confirm_identical: bool) -> None:
    if note.conflicts.filter(resolved_at__isnull=True).exists():
        raise ConflictOpen("A conflicting version of this draft is waiting to be merged.")
    missing = missing_sections(note.kind, note.body)
    if missing:
        raise SectionsMissing([s.label for s in missing])
    if not entries:
        raise NoEntries("This note documents no one.")
    if note.kind == NoteKind.GROUP and note.session is not None:
        attended = set(
            group_attendees(note.session, note.service_date).values_list("pk", flat=True)
        )
        gone = [e.episode.patient.display_name for e in entries if e.episode_id not in attended]
        if gone:
            raise NotInCohort(
                f"No longer checked in as attending: {', '.join(gone)}. Correct the "
                "attendance, or clear their section and save."
            )
    same = [] if confirm_identical else identical_entries(note, entries)
    if same:
        raise IdenticalEntries([group.describe for group in same])


def _cosigner(note: Note) -> User | None:
    """The supervisor of a trainee author in the note's program, or None for a full member.
    Raises SupervisorUnavailable when the supervisor is deactivated or no longer writes
    notes in the program (security.md: co-sign requested of a deactivated supervisor)."""
    membership = (
        Membership.objects.filter(
            user_id=note.author_id,
            program_id=note.program_id,
            is_active=True,
            supervisor__isnull=False,
        )
        .select_related("supervisor")
        .first()
    )
    if membership is None or membership.supervisor is None:
        return None
    supervisor = membership.supervisor
    if not supervisor.is_active or note.program_id not in program_ids_with(
        supervisor, Capability.WRITE_NOTES
    ):
        raise SupervisorUnavailable(
            f"Your supervisor ({supervisor.display_name}) can no longer co-sign here: ask the "
            "program director to name another."
        )
    return supervisor


def note_cosign(*, actor: Actor, note: Note, by: User, password: str) -> Note:
    """Co-sign a trainee's note as the supervisor named on it, after re-checking
    ``password``. Raises NotCosigner (403) and PasswordIncorrect (both audited as denied
    NOTE_COSIGNED), NoteNotSigned (a draft or not awaiting co-sign), NoteSigned (already
    co-signed) and NoteEnteredInError. Audits NOTE_COSIGNED per patient."""
    if note.cosigner_id is None or note.cosigner_id != by.pk:
        raise refuse(
            actor, note, "NOTE_COSIGNED", NotCosigner("Only the named supervisor may co-sign.")
        )
    check_password(actor, note, by, password, "NOTE_COSIGNED")
    return _cosign(actor=actor, note=note, by=by)


@transaction.atomic
def _cosign(*, actor: Actor, note: Note, by: User) -> Note:
    note = locked_note(note)
    require_signed(note)
    if note.state != NoteState.AWAITING_COSIGN:
        raise NoteSigned("This note is already co-signed.")
    if note.cosigner_id != by.pk:
        raise NotCosigner("Only the named supervisor may co-sign.")
    require_writer(note, by)
    note.state = NoteState.SIGNED
    note.cosigned_at = clock.now()
    note.full_clean()
    note.save(update_fields=["state", "cosigned_at"])
    audit_record_many(
        actor=actor,
        entries=note_entries("NOTE_COSIGNED", note, [e.episode for e in _episodes(note)]),
    )
    return note


def addendum_add(*, actor: Actor, note: Note, by: User, password: str, text: str) -> Addendum:
    """Add ``text`` as an addendum to a signed (or awaiting co-sign) note, signed by ``by``
    with ``password``; any clinician who writes notes in the program may. Raises
    NoteNotSigned (a draft), NoteEnteredInError, NotAllowed, TextRequired, NoteInputInvalid
    and PasswordIncorrect (audited as denied NOTE_ADDENDUM_ADDED). Audits
    NOTE_ADDENDUM_ADDED per patient."""
    require_signed(note)
    if note.program_id not in program_ids_with(by, Capability.WRITE_NOTES):
        raise refuse(actor, note, "NOTE_ADDENDUM_ADDED", NotAllowed("You do not write notes here."))
    cleaned = clean_text(text, field="text", limit=ADDENDUM_LIMIT)
    if not cleaned:
        raise TextRequired("Write the addendum.", field="text")
    check_password(actor, note, by, password, "NOTE_ADDENDUM_ADDED")
    return _add(actor=actor, note=note, by=by, text=cleaned)


@transaction.atomic
def _add(*, actor: Actor, note: Note, by: User, text: str) -> Addendum:
    note = locked_note(note)
    require_signed(note)
    addendum = Addendum(note=note, author=by, text=text, signed_at=clock.now())
    addendum.full_clean()
    addendum.save()
    audit_record_many(
        actor=actor,
        entries=note_entries(
            "NOTE_ADDENDUM_ADDED",
            note,
            [e.episode for e in _episodes(note)],
            addendum_id=addendum.pk,
        ),
    )
    return addendum


def _is_director(user: User, note: Note) -> bool:
    return Membership.objects.filter(
        user=user, program_id=note.program_id, role=ProgramRole.PROGRAM_DIRECTOR, is_active=True
    ).exists()


def note_enter_in_error(*, actor: Actor, note: Note, by: User, password: str, reason: str) -> Note:
    """Mark a signed note as entered in error (e.g. written in the wrong chart), by its
    author or the program director, with a ``reason`` and ``password``. The text stays
    readable, struck through, with the reason. Raises NoteNotSigned (a draft),
    NoteEnteredInError (already), NotAllowed (403), ReasonRequired, NoteInputInvalid and
    PasswordIncorrect (NotAllowed and the password audited as denied). Audits
    NOTE_ENTERED_IN_ERROR per patient."""
    require_signed(note)
    if note.author_id != by.pk and not _is_director(by, note):
        raise refuse(
            actor,
            note,
            "NOTE_ENTERED_IN_ERROR",
            NotAllowed("Only the author or the program director may mark this note."),
        )
    cleaned = clean_text(reason, field="reason", limit=REASON_LIMIT)
    if not cleaned:
        raise ReasonRequired("Say why the note was entered in error.", field="reason")
    check_password(actor, note, by, password, "NOTE_ENTERED_IN_ERROR")
    return _mark_error(actor=actor, note=note, by=by, reason=cleaned)


@transaction.atomic
def _mark_error(*, actor: Actor, note: Note, by: User, reason: str) -> Note:
    note = locked_note(note)
    require_signed(note)
    note.state = NoteState.ENTERED_IN_ERROR
    note.error_at = clock.now()
    note.error_by = by
    note.error_reason = reason
    note.full_clean()
    note.save(update_fields=["state", "error_at", "error_by", "error_reason"])
    audit_record_many(
        actor=actor,
        entries=note_entries("NOTE_ENTERED_IN_ERROR", note, [e.episode for e in _episodes(note)]),
    )
    return note
