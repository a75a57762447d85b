"""Refusals of the care-meeting context, each with a stable machine-readable ``code``.

Views show ``message`` next to the form that was refused (HTTP 400 for bad input, 409 when
the meeting is closed or someone else changed the text first); nothing is written."""

from __future__ import annotations

from openiop.core.errors import DomainError, InvalidTransition


class MeetingClosed(InvalidTransition):
    """The meeting was closed: its agenda, discussions, decisions and tasks are read-only."""

    code = "meeting_closed"


class WeekInvalid(DomainError):
    """A meeting's week starts on a Monday and is not in the future."""

    code = "week_invalid"


class AlreadyOnAgenda(DomainError):
    code = "already_on_agenda"


class NotAdmittedHere(DomainError):
    """Only patients admitted to the meeting's program can be put on its agenda."""

    code = "episode_not_admitted"


class TaskOwnerInvalid(DomainError):
    """A task's owner must be a staff member who takes part in the program's meetings."""

    code = "task_owner_invalid"


class DueDateInPast(DomainError):
    code = "due_date_in_past"


class TaskAlreadyDone(InvalidTransition):
    code = "task_already_done"


class TextRequired(DomainError):
    code = "text_required"


class TextTooLong(DomainError):
    code = "text_too_long"


class DiscussionConflict(DomainError):
    """Someone saved the item's discussion after this form was loaded. Nothing was saved;
    ``current`` is what is stored now, so both versions can be shown."""

    code = "discussion_conflict"

    def __init__(self, message: str, *, current: str) -> None:
        super().__init__(message, field="discussion")
        self.current = current
