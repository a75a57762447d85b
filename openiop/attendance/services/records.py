"""Recording who came to a session (the roster and the kiosk) and correcting a record.

Rules (issue 6 §2 and its bad-input list): only an admitted, expected participant of a live
session can be checked in, only on the session's local service date in the program's time
zone, once; minutes default to the full session for present/telehealth, are required for
late/left early and are 0 for an absence. After every write the program's attendance
policies are evaluated in the same transaction (``openiop.attendance.services.policies``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from openiop.accounts.models import User
from openiop.attendance.errors import (
    AlreadyCheckedIn,
    CorrectionUnchanged,
    EpisodeNotAdmitted,
    LateEntryNotPast,
    MinutesInvalid,
    NotAParticipant,
    ReasonRequired,
    SessionCancelled,
    SessionNotToday,
)
from openiop.attendance.models import ABSENT, Attendance, AttendanceStatus, RecordedVia
from openiop.attendance.services.policies import policies_evaluate
from openiop.attendance.timing import service_date_of, session_minutes
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Program
from openiop.scheduling.models import ScheduledSession, SessionParticipant

_NEED_MINUTES = (AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)


def checked_minutes(status: AttendanceStatus, minutes: int | None, length: int) -> int:
    """The minutes to store for ``status``, or MinutesInvalid with a specific message."""
    if minutes is not None and minutes < 0:
        raise MinutesInvalid("Minutes cannot be negative.", field="minutes")
    if status in ABSENT:
        if minutes:
            raise MinutesInvalid("An absence has 0 minutes attended.", field="minutes")
        return 0
    if minutes is None:
        if status in _NEED_MINUTES:
            label = AttendanceStatus(status).label.lower()
            raise MinutesInvalid(f"Enter the minutes attended ({label}).", field="minutes")
        return length
    if not 1 <= minutes <= length:
        raise MinutesInvalid(
            f"Minutes attended must be between 1 and {length} (the session's length).",
            field="minutes",
        )
    return minutes


def _entry(action: str, attendance: Attendance, program: Program, **detail: Any) -> Entry:
    return Entry(
        action=action,
        category=DataCategory.ATTENDANCE,
        patient_id=attendance.episode.patient_id,
        part2=program.is_part2,
        object_type="attendance",
        object_id=str(attendance.pk),
        detail={
            "episode_id": attendance.episode_id,
            "session_id": attendance.session_id,
            "service_date": attendance.service_date.isoformat(),
            **detail,
        },
    )


def _check_recordable(
    session: ScheduledSession, episode: EpisodeOfCare, *, late: bool = False
) -> dt.date:
    """The service date, or the refusal that applies (cancelled, not admitted, not a
    participant, not today or, for a late entry, not before today), in that order."""
    if session.cancelled_at is not None:
        raise SessionCancelled("That session was cancelled; attendance cannot be recorded.")
    if episode.state != EpisodeState.ADMITTED:
        raise EpisodeNotAdmitted(
            "This patient is not admitted (discharged or not yet admitted) and cannot be "
            "checked in."
        )
    if not SessionParticipant.objects.filter(session=session, episode=episode).exists():
        raise NotAParticipant("This patient is not expected at that session.")
    service_date = service_date_of(session)
    today = clock.localdate(session.program.zone)
    if late and service_date >= today:
        raise LateEntryNotPast("A late entry is for a session of an earlier day.")
    if not late and service_date != today:
        raise SessionNotToday(
            f"Check-in is only possible on the session's day ({service_date:%a %d %b %Y})."
        )
    return service_date


def _record(
    actor: Actor,
    session: ScheduledSession,
    episode: EpisodeOfCare,
    status: AttendanceStatus,
    minutes: int | None,
    by: User | None,
    via: RecordedVia,
    late_reason: str = "",
) -> Attendance:
    session = ScheduledSession.objects.select_related("program").get(pk=session.pk)
    # Lock the episode: check-ins of one patient are serialized, so policy counts are exact.
    episode = EpisodeOfCare.objects.select_for_update().get(pk=episode.pk)
    service_date = _check_recordable(session, episode, late=bool(late_reason))
    stored = checked_minutes(status, minutes, session_minutes(session))
    if Attendance.objects.filter(session=session, episode=episode).exists():
        raise AlreadyCheckedIn("Attendance is already recorded for this patient and session.")
    now = clock.now()
    attendance = Attendance(
        session=session,
        episode=episode,
        status=status,
        minutes=stored,
        service_date=service_date,
        recorded_via=via,
        recorded_by=by,
        recorded_at=now,
        updated_at=now,
    )
    # Constraints are checked above (once per pair) and enforced by the database below.
    attendance.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError:
        # The unique constraint is the backstop against a concurrent duplicate.
        raise AlreadyCheckedIn(
            "Attendance is already recorded for this patient and session."
        ) from None
    late = {"late_entry": True, "reason": late_reason} if late_reason else {}
    detail = {"status": status.value, "minutes": stored, "via": via.value, **late}
    audit_record(
        actor=actor, entry=_entry("ATTENDANCE_RECORDED", attendance, session.program, **detail)
    )
    policies_evaluate(actor=actor, episode=episode, program=session.program)
    return attendance


@transaction.atomic
def attendance_record(
    *,
    actor: Actor,
    session: ScheduledSession,
    episode: EpisodeOfCare,
    status: AttendanceStatus,
    minutes: int | None = None,
    by: User | None,
    via: RecordedVia = RecordedVia.ROSTER,
) -> Attendance:
    """Record ``episode``'s attendance at ``session``; ``by`` is the staff member (None for a
    kiosk self check-in).

    Raises SessionCancelled, EpisodeNotAdmitted (``episode_not_admitted``), NotAParticipant,
    SessionNotToday (``session_not_today``; staff may still record a session already over
    today), MinutesInvalid (``minutes_invalid``) and AlreadyCheckedIn (``already_checked_in``,
    HTTP 409; use ``attendance_correct``). Audits ATTENDANCE_RECORDED, then evaluates the
    program's policies (may audit ATTENDANCE_REVIEW_RAISED).
    """
    status, via = AttendanceStatus(status), RecordedVia(via)
    return _record(actor, session, episode, status, minutes, by, via)


@transaction.atomic
def attendance_record_late(
    *,
    actor: Actor,
    session: ScheduledSession,
    episode: EpisodeOfCare,
    status: AttendanceStatus,
    minutes: int | None = None,
    by: User,
    reason: str,
) -> Attendance:
    """Enter attendance for a session of an *earlier* local day, from the paper sign-in
    sheet kept during a downtime or a kiosk outage (the usual downtime procedure). Staff
    only (``by``, via the roster); ``reason`` says where the entry comes from and is audited.

    Same rules as ``attendance_record`` otherwise. Raises LateEntryNotPast
    (``late_entry_not_past``) for a session today or later, ReasonRequired, and the errors
    of ``attendance_record``. Audits ATTENDANCE_RECORDED with ``late_entry`` and the reason.
    """
    reason = reason.strip()
    if not reason:
        raise ReasonRequired("Say where a late entry comes from.", field="reason")
    status = AttendanceStatus(status)
    return _record(actor, session, episode, status, minutes, by, RecordedVia.ROSTER, reason)


@transaction.atomic
def attendance_correct(
    *,
    actor: Actor,
    attendance: Attendance,
    status: AttendanceStatus,
    minutes: int | None,
    by: User | None,
) -> Attendance:
    """Change an existing record's status and minutes (same minute rules as recording; any
    day, so a past mistake can be fixed). ``by`` becomes the record's ``recorded_by``.

    Raises MinutesInvalid and CorrectionUnchanged. Audits ATTENDANCE_CORRECTED with the
    values before and after, then evaluates the program's policies.
    """
    status = AttendanceStatus(status)
    attendance = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("session__program", "episode")
        .get(pk=attendance.pk)
    )
    stored = checked_minutes(status, minutes, session_minutes(attendance.session))
    if status == attendance.status and stored == attendance.minutes:
        raise CorrectionUnchanged("That is what is already recorded.")
    before = {
        "status": attendance.status,
        "minutes": attendance.minutes,
        "recorded_by": attendance.recorded_by_id,
    }
    attendance.status, attendance.minutes = status, stored
    attendance.recorded_by, attendance.updated_at = by, clock.now()
    attendance.full_clean()
    attendance.save(update_fields=["status", "minutes", "recorded_by", "updated_at"])
    after = {"status": status.value, "minutes": stored, "recorded_by": by.pk if by else None}
    program = attendance.session.program
    audit_record(
        actor=actor,
        entry=_entry("ATTENDANCE_CORRECTED", attendance, program, before=before, after=after),
    )
    policies_evaluate(actor=actor, episode=attendance.episode, program=program)
    return attendance
