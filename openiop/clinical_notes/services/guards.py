"""The checks every note transition repeats: lock the row, who may act, which state.

After signing a note never changes (CONVENTIONS §3, security.md R24): every edit service
goes through ``require_draft``, which refuses anything but a draft with ``note_signed``.
"""

from __future__ import annotations

from openiop.accounts.access import program_ids_with
from openiop.accounts.models import User
from openiop.clinical_notes.errors import (
    NotAllowed,
    NotAuthor,
    NoteEnteredInError,
    NoteNotSigned,
    NoteSigned,
    PasswordIncorrect,
)
from openiop.clinical_notes.models import Note, NoteState
from openiop.clinical_notes.services.audit import note_refused
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability


def locked_note(note: Note) -> Note:
    """The note re-read and locked for the transaction (two tabs signing at once: one wins)."""
    return (
        Note.objects.select_for_update(of=("self",))
        .select_related("program", "session", "author", "cosigner")
        .get(pk=note.pk)
    )


def require_author(note: Note, by: User, verb: str) -> None:
    if note.author_id != by.pk:
        raise NotAuthor(f"Only the author of this note may {verb} it.")


def require_draft(note: Note) -> None:
    if note.state != NoteState.DRAFT:
        raise NoteSigned(
            "This note is signed and can no longer be changed: add an addendum instead."
        )


def require_signed(note: Note) -> None:
    """Signed or awaiting co-sign: the states that take addenda and corrections."""
    if note.state == NoteState.DRAFT:
        raise NoteNotSigned("This note is still a draft: edit it instead.")
    if note.state == NoteState.ENTERED_IN_ERROR:
        raise NoteEnteredInError("This note was entered in error.")


def require_writer(note: Note, by: User) -> None:
    if note.program_id not in program_ids_with(by, Capability.WRITE_NOTES):
        raise NotAllowed("You do not write notes in this program.")


def check_password(actor: Actor, note: Note, by: User, password: str, action: str) -> None:
    """Re-authenticate ``by`` before a signature. A wrong password is audited as a denied
    ``action`` (on its own, so the record survives) and raises PasswordIncorrect."""
    if not password or not by.check_password(password):
        note_refused(actor, note, action, PasswordIncorrect.code)
        raise PasswordIncorrect("That password is not correct.", field="password")


def refuse(actor: Actor, note: Note, action: str, error: Exception) -> Exception:
    """Audit a refused signature-type action (naming no patient) and return ``error``."""
    note_refused(actor, note, action, getattr(error, "code", "refused"))
    return error
