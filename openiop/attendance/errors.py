"""Refusals of the attendance context, each with a stable ``code`` and the HTTP status a page
or the kiosk answers with. Nothing is written when one of these is raised."""

from __future__ import annotations

from openiop.core.errors import DomainError, InvalidTransition


class AttendanceRefused(DomainError):
    """Base of the check-in refusals; ``status`` is the HTTP status a view answers with."""

    code = "attendance_refused"
    status = 422


class EpisodeNotAdmitted(AttendanceRefused):
    """The episode is not (or no longer) admitted: a discharged patient cannot be checked in."""

    code = "episode_not_admitted"
    status = 409


class NotAParticipant(AttendanceRefused):
    """The episode is not an expected participant of the session."""

    code = "not_a_participant"


class SessionCancelled(AttendanceRefused):
    code = "session_cancelled"
    status = 409


class SessionNotToday(AttendanceRefused):
    """Check-in happens on the session's local service date only."""

    code = "session_not_today"
    status = 409


class LateEntryNotPast(AttendanceRefused):
    """A late entry (from a paper sign-in sheet) is only for a session of an earlier day."""

    code = "late_entry_not_past"
    status = 409


class ReasonRequired(AttendanceRefused):
    code = "reason_required"


class MinutesInvalid(AttendanceRefused):
    """Minutes missing where required, negative, above the session's length or not 0 for an
    absence."""

    code = "minutes_invalid"


class AlreadyCheckedIn(AttendanceRefused):
    """The episode already has a record for this session; change it with a correction."""

    code = "already_checked_in"
    status = 409


class CorrectionUnchanged(AttendanceRefused):
    """A correction that changes nothing."""

    code = "correction_unchanged"


class ReviewAlreadyResolved(InvalidTransition):
    code = "review_already_resolved"


class ResolutionRequired(AttendanceRefused):
    code = "resolution_required"


class PolicyInvalid(AttendanceRefused):
    """A policy's statuses, threshold, window or name are not acceptable."""

    code = "policy_invalid"


class KioskRevoked(InvalidTransition):
    code = "kiosk_revoked"


class KioskCheckInFailed(AttendanceRefused):
    """The kiosk could not check the person in. The message is deliberately generic: it never
    says whether the name exists, whether they have a session or why it failed."""

    code = "kiosk_checkin_failed"
    status = 422
    generic = "We couldn't check you in — please see the front desk."

    def __init__(self, reason: str) -> None:
        super().__init__(self.generic)
        #: For the audit row only (never shown): no_match, ambiguous, no_session, ...
        self.reason = reason


class KioskRateLimited(AttendanceRefused):
    code = "kiosk_rate_limited"
    status = 429
    generic = "Too many attempts at this kiosk. Please see the front desk."
