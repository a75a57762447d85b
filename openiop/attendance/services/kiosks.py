"""Kiosk devices (start, revoke) and the patient's self check-in at one.

A check-in finds the one admitted patient of the kiosk's program whose last name (ignoring
case, accents and spacing) and date of birth match, and their session in that program whose
check-in window (from ``CHECKIN_OPENS`` before the start until the end) contains now. It
records present, or late with the remaining minutes when more than ``LATE_AFTER`` after the
start. Every failure is the same generic refusal to the person at the kiosk; the reason is
kept only in the audit row, which names no patient and holds no PHI.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

from django.db import transaction

from openiop.accounts.models import User
from openiop.attendance.errors import AttendanceRefused, KioskCheckInFailed, KioskRevoked
from openiop.attendance.kiosk import CHECKIN_OPENS, LATE_AFTER
from openiop.attendance.models import (
    ATTENDED,
    Attendance,
    AttendanceStatus,
    KioskDevice,
    RecordedVia,
)
from openiop.attendance.services.records import attendance_record
from openiop.attendance.timing import session_minutes
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.tokens import new_token, token_hash
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.patients.names import fold
from openiop.programs.models import Program
from openiop.scheduling.models import ScheduledSession, SessionParticipant


def _kiosk_entry(action: str, device: KioskDevice, **detail: object) -> Entry:
    return Entry(
        action=action,
        category=DataCategory.NONE,
        part2=device.program.is_part2,
        object_type="kiosk",
        object_id=str(device.pk),
        detail={"program_id": device.program_id, **detail},
    )


@transaction.atomic
def kiosk_device_create(
    *, actor: Actor, program: Program, name: str, created_by: User
) -> tuple[KioskDevice, str]:
    """Register a kiosk for ``program``; returns it and its token (shown to nobody: it goes
    straight into the device's cookie; only the hash is stored). Raises ValidationError for
    a blank name. Audits KIOSK_STARTED."""
    token = new_token()
    device = KioskDevice(
        program=program,
        name=name.strip(),
        token_hash=token_hash(token),
        created_by=created_by,
        created_at=clock.now(),
    )
    device.full_clean()
    device.save()
    audit_record(actor=actor, entry=_kiosk_entry("KIOSK_STARTED", device, name=device.name))
    return device, token


@transaction.atomic
def kiosk_device_revoke(*, actor: Actor, device: KioskDevice) -> KioskDevice:
    """Switch a kiosk off for good: its cookie stops working on the next request. Raises
    KioskRevoked when it already is. Audits KIOSK_REVOKED."""
    device = (
        KioskDevice.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=device.pk)
    )
    if device.revoked_at is not None:
        raise KioskRevoked("That kiosk is already switched off.")
    device.revoked_at = clock.now()
    device.save(update_fields=["revoked_at"])
    audit_record(actor=actor, entry=_kiosk_entry("KIOSK_REVOKED", device))
    return device


@dataclass(frozen=True, slots=True)
class CheckIn:
    """What the kiosk may show: the patient's preferred first name and their session."""

    attendance: Attendance
    first_name: str
    session: ScheduledSession


class _AlreadyIn(Exception):
    """The patient already checked in (attended) to the session they are due at."""

    def __init__(self, session: ScheduledSession) -> None:
        super().__init__("already checked in")
        self.session = session


def _episode(program: Program, last_name: str, date_of_birth: dt.date) -> EpisodeOfCare:
    key = fold(last_name)
    if not key:
        raise KioskCheckInFailed("no_match")
    episodes = list(
        EpisodeOfCare.objects.select_related("patient").filter(
            program=program,
            state=EpisodeState.ADMITTED,
            patient__date_of_birth=date_of_birth,
            patient__name_key__startswith=f"{key}|",
        )[:2]
    )
    if len(episodes) != 1:
        raise KioskCheckInFailed("no_match" if not episodes else "ambiguous")
    return episodes[0]


def _session(program: Program, episode: EpisodeOfCare, now: dt.datetime) -> ScheduledSession:
    """The first session of ``episode`` whose window contains now; the soonest-starting
    one when windows overlap (a group running into an individual session's window)."""
    participation = (
        SessionParticipant.objects.select_related("session__program")
        .filter(
            episode=episode,
            session__program=program,
            session__cancelled_at__isnull=True,
            session__starts_at__lte=now + CHECKIN_OPENS,
            session__ends_at__gt=now,
        )
        .order_by("session__starts_at")
    )
    sessions = [p.session for p in participation]
    recorded = dict(
        Attendance.objects.filter(episode=episode, session__in=sessions).values_list(
            "session_id", "status"
        )
    )
    open_ = [s for s in sessions if s.pk not in recorded]
    if open_:
        return open_[0]
    if any(status in ATTENDED for status in recorded.values()):
        raise _AlreadyIn(next(s for s in sessions if recorded[s.pk] in ATTENDED))
    raise KioskCheckInFailed("no_session" if not sessions else "recorded_absent")


def _status(session: ScheduledSession, now: dt.datetime) -> tuple[AttendanceStatus, int | None]:
    if now <= session.starts_at + LATE_AFTER:
        return AttendanceStatus.PRESENT, None
    remaining = math.ceil((session.ends_at - now).total_seconds() / 60)
    return AttendanceStatus.LATE, max(1, min(remaining, session_minutes(session)))


@transaction.atomic
def kiosk_check_in(
    *, actor: Actor, device: KioskDevice, last_name: str, date_of_birth: dt.date
) -> CheckIn:
    """Check the person at ``device`` in to their session now (see the module docstring).
    ``actor`` is the device principal. Raises KioskCheckInFailed (generic message; its
    ``reason`` is for the audit only) and KioskRevoked. Audits ATTENDANCE_RECORDED (via
    kiosk) through ``attendance_record``; the caller audits failures with
    ``kiosk_check_in_failed`` outside this transaction."""
    device = KioskDevice.objects.select_related("program").get(pk=device.pk)
    if device.revoked_at is not None:
        raise KioskRevoked("This kiosk is switched off.")
    now = clock.now()
    episode = _episode(device.program, last_name, date_of_birth)
    first_name = episode.patient.preferred_name or episode.patient.legal_given_name
    try:
        session = _session(device.program, episode, now)
    except _AlreadyIn as already:
        existing = Attendance.objects.get(session=already.session, episode=episode)
        return CheckIn(existing, first_name, already.session)
    status, minutes = _status(session, now)
    try:
        attendance = attendance_record(
            actor=actor,
            session=session,
            episode=episode,
            status=status,
            minutes=minutes,
            by=None,
            via=RecordedVia.KIOSK,
        )
    except AttendanceRefused as refused:
        raise KioskCheckInFailed(refused.code) from None
    return CheckIn(attendance, first_name, session)


@transaction.atomic
def kiosk_check_in_failed(*, actor: Actor, device: KioskDevice, reason: str) -> None:
    """Audit a failed check-in (KIOSK_CHECKIN_FAILED, outcome failure; no PHI: only the
    kiosk, its program and a reason code). These rows drive the kiosk's rate limit."""
    entry = _kiosk_entry("KIOSK_CHECKIN_FAILED", device, reason=reason)
    audit_record(actor=actor, entry=dataclasses.replace(entry, outcome=Outcome.FAILURE))
