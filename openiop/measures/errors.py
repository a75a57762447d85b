"""Refusals of the measurement context, each with a stable code for forms and the API."""

from __future__ import annotations

from openiop.core.errors import DomainError


class InvalidAnswers(DomainError):
    """The answers cannot be scored. ``code`` is the engine's (``out_of_range``,
    ``wrong_item_count``, ``too_many_missing``, ...)."""

    def __init__(self, message: str, *, code: str, instrument: str) -> None:
        super().__init__(message, field=instrument)
        self.code = code


class NotScheduled(DomainError):
    """No occasion of the program's schedule matches the submission."""

    code = "not_scheduled"


class OccasionClosed(DomainError):
    """The occasion exists but its window has closed (e.g. after discharge)."""

    code = "occasion_closed"


class AlreadyAnswered(DomainError):
    code = "already_answered"


class NothingDue(DomainError):
    code = "nothing_due"


class LinkInvalid(DomainError):
    """Unknown token, or a token of another patient: one answer for both."""

    code = "link_invalid"


class LinkExpired(DomainError):
    code = "link_expired"


class LinkUsed(DomainError):
    code = "link_used"


class ActionRequired(DomainError):
    """An alert is closed only with a description of what was done."""

    code = "action_required"
