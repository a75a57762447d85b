"""Refusals of the clinical-notes context, each with a stable ``code`` and the HTTP status a
page answers with (``status``). Nothing is written when one is raised, except where a class
says otherwise (a conflicting save keeps its text)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from openiop.core.errors import DomainError

if TYPE_CHECKING:
    from openiop.clinical_notes.models import DraftConflict


class NoteRefused(DomainError):
    """Base of the refusals of this context."""

    code = "note_refused"
    status = 400


class NoteInputInvalid(NoteRefused):
    """Text that cannot be stored (too long, control characters) or an unknown section."""

    code = "text_invalid"


class NoteKindInvalid(NoteRefused):
    """The kind of note does not fit the session (a DAP note for a group, a group note
    without a group session)."""

    code = "kind_invalid"


class ServiceNotWritable(NoteRefused):
    """The service cannot be documented: a cancelled session, one that has not happened yet,
    a date in the future or outside the patient's episode."""

    code = "service_invalid"


class NoteExists(NoteRefused):
    """The session already has a note of this kind (not entered in error)."""

    code = "note_exists"
    status = 409

    def __init__(self, message: str, *, note_id: int) -> None:
        super().__init__(message)
        self.note_id = note_id


class NotCheckedIn(NoteRefused):
    """A group note needs the group checked in first: nobody has an attended record."""

    code = "no_attendance"


class NotAuthor(NoteRefused):
    """Only the author may edit or sign a draft."""

    code = "not_author"
    status = 403


class NotCosigner(NoteRefused):
    """Only the supervisor named as co-signer may co-sign."""

    code = "not_cosigner"
    status = 403


class NotAllowed(NoteRefused):
    """The person may not do this to this note (e.g. enter in error someone else's note
    without being the program director), or may not write notes in the program."""

    code = "not_allowed"
    status = 403


class PasswordIncorrect(NoteRefused):
    """The password typed to sign did not match."""

    code = "password_incorrect"


class NoteSigned(NoteRefused):
    """The note is no longer a draft: it cannot be edited or signed again."""

    code = "note_signed"
    status = 409


class NoteNotSigned(NoteRefused):
    """Addenda, co-signatures and entered-in-error apply only to signed notes (of the right
    state)."""

    code = "note_not_signed"
    status = 409


class NoteEnteredInError(NoteRefused):
    code = "note_entered_in_error"
    status = 409


class DraftConflictError(NoteRefused):
    """The save was based on an older version than the stored one. The stored text was kept
    and the submitted text was stored as ``conflict`` (committed, not rolled back)."""

    code = "draft_conflict"
    status = 409

    def __init__(self, conflict: DraftConflict) -> None:
        super().__init__(
            "Someone saved this note after you opened it. Both versions are kept: merge "
            "them below and save again."
        )
        self.conflict = conflict


class ConflictOpen(NoteRefused):
    """A conflicting version is still waiting to be merged."""

    code = "conflict_open"
    status = 409


class NotInCohort(NoteRefused):
    """A group entry names someone who did not attend as a member of the session's group."""

    code = "not_in_cohort"


class ObjectiveNotInPlan(NoteRefused):
    code = "objective_not_in_plan"


class SectionsMissing(NoteRefused):
    code = "sections_missing"

    def __init__(self, labels: Sequence[str]) -> None:
        super().__init__(f"Fill in before signing: {', '.join(labels)}.")
        self.labels = tuple(labels)


class IdenticalEntries(NoteRefused):
    """Attendees whose individualized text is identical or empty, signed without the explicit
    confirmation."""

    code = "identical_entries"

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__(
            "These attendees have identical or empty individualized sections: "
            f"{'; '.join(names)}. Individualize them, or confirm that you sign anyway."
        )
        self.names = tuple(names)


class NoEntries(NoteRefused):
    """A group note with no attendee entry documents no one."""

    code = "no_entries"


class SupervisorUnavailable(NoteRefused):
    """A trainee's supervisor can no longer co-sign (deactivated or left the program)."""

    code = "supervisor_unavailable"
    status = 409


class ReasonRequired(NoteRefused):
    code = "reason_required"


class TextRequired(NoteRefused):
    code = "text_required"
