"""Sessions made by hand (a make-up group, an extra individual session) and cancelling one.

Planned sessions come from ``approval``; both paths refuse double bookings of a clinician, a
room or a patient against everything live on the calendar, in every program.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.db import transaction

from openiop.accounts.models import Membership, User
from openiop.audit.services import audit_record_many
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.errors import InvalidTransition
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Cohort, Program, Room
from openiop.scheduling.errors import SessionInvalid
from openiop.scheduling.models import ScheduledSession, SessionKind, SessionParticipant
from openiop.scheduling.services.audit import patient_entries, program_entry
from openiop.scheduling.services.bookings import Booking, check_free, existing_bookings


def _check_fields(
    *,
    program: Program,
    kind: SessionKind,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    clinician: User,
    cohort: Cohort | None,
    room: Room | None,
    episodes: Sequence[EpisodeOfCare],
) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise SessionInvalid("Session times must carry a time zone.")
    if ends_at <= starts_at:
        raise SessionInvalid("A session must end after it starts.", field="ends_at")
    if kind == SessionKind.GROUP and cohort is None:
        raise SessionInvalid("A group session needs a cohort.", field="cohort")
    if cohort is not None and cohort.track.program_id != program.pk:
        raise SessionInvalid("That cohort belongs to another program.", field="cohort")
    if room is not None and room.site_id != program.site_id:
        raise SessionInvalid("That room is at another site.", field="room")
    if kind != SessionKind.GROUP and len(episodes) != 1:
        raise SessionInvalid("An appointment has exactly one patient.", field="episodes")
    if any(e.program_id != program.pk or e.state != EpisodeState.ADMITTED for e in episodes):
        raise SessionInvalid("Every patient must be admitted to this program.", field="episodes")
    if not Membership.objects.filter(user=clinician, program=program, is_active=True).exists():
        raise SessionInvalid("The clinician holds no role in this program.", field="clinician")


@transaction.atomic
def session_create(
    *,
    actor: Actor,
    program: Program,
    kind: SessionKind,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    clinician: User,
    cohort: Cohort | None = None,
    room: Room | None = None,
    episodes: Sequence[EpisodeOfCare] = (),
) -> ScheduledSession:
    """Put a session on the calendar by hand (``plan`` stays null) with its expected
    patients. Raises SessionInvalid for inconsistent fields and DoubleBooked (code
    ``double_booked``) when the clinician, the room or a patient already has a live session
    overlapping it. Audits SESSION_CREATED once per patient (or once for the program when
    the session has none)."""
    kind = SessionKind(kind)
    _check_fields(
        program=program,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        clinician=clinician,
        cohort=cohort,
        room=room,
        episodes=episodes,
    )
    # Serialize bookings: two people booking the same clinician at once must not both win.
    User.objects.select_for_update().filter(pk=clinician.pk).first()
    booking = Booking(
        starts_at, ends_at, clinician.pk, room.pk if room else None, tuple(e.pk for e in episodes)
    )
    check_free([booking], existing_bookings(starts_at, ends_at), _describer(clinician, room))
    session = ScheduledSession(
        program=program,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        clinician=clinician,
        cohort=cohort,
        room=room,
    )
    session.full_clean()
    session.save()
    SessionParticipant.objects.bulk_create(
        SessionParticipant(session=session, episode=e) for e in episodes
    )
    detail = {"kind": kind.value, "starts_at": starts_at.isoformat()}
    entries = patient_entries("SESSION_CREATED", program, episodes, "session", session.pk, **detail)
    audit_record_many(
        actor=actor,
        entries=entries
        or [program_entry("SESSION_CREATED", program, "session", session.pk, **detail)],
    )
    return session


def _describer(clinician: User, room: Room | None) -> Callable[[str, int], str]:
    def describe(kind: str, pk: int) -> str:
        if kind == "clinician":
            return clinician.display_name
        if kind == "room" and room is not None:
            return room.name
        return "A patient of this session"

    return describe


@transaction.atomic
def session_cancel(*, actor: Actor, session: ScheduledSession) -> ScheduledSession:
    """Call a session off (it stays on record, marked cancelled). Raises InvalidTransition
    when it is already cancelled. Audits SESSION_CANCELLED per patient."""
    session = (
        ScheduledSession.objects.select_for_update().select_related("program").get(pk=session.pk)
    )
    if session.cancelled_at is not None:
        raise InvalidTransition("That session is already cancelled.")
    session.cancelled_at = clock.now()
    session.save(update_fields=["cancelled_at"])
    episodes = [p.episode for p in session.participants.select_related("episode")]
    entries = patient_entries("SESSION_CANCELLED", session.program, episodes, "session", session.pk)
    if not entries:
        entries = [program_entry("SESSION_CANCELLED", session.program, "session", session.pk)]
    audit_record_many(actor=actor, entries=entries)
    return session
