"""Starting a note: a group note for a checked-in group, or an individual (DAP or BIRP),
psychiatry or family note for an appointment or, without one, for a patient and a date."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from openiop.accounts.access import program_ids_with
from openiop.accounts.models import User
from openiop.attendance.timing import service_date_of
from openiop.audit.services import audit_record_many
from openiop.clinical_notes.attendees import group_attendees, has_attendance
from openiop.clinical_notes.errors import (
    NotAllowed,
    NotCheckedIn,
    NoteExists,
    NoteKindInvalid,
    ServiceNotWritable,
)
from openiop.clinical_notes.models import Note, NoteEntry, NoteKind, NoteState
from openiop.clinical_notes.sections import sections_for
from openiop.clinical_notes.services.audit import note_entries
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Program
from openiop.scheduling.models import ScheduledSession, SessionKind

#: Which kinds of note document which kind of session.
KINDS_FOR_SESSION: dict[str, tuple[str, ...]] = {
    SessionKind.GROUP: (NoteKind.GROUP,),
    SessionKind.INDIVIDUAL: (NoteKind.INDIVIDUAL_DAP, NoteKind.INDIVIDUAL_BIRP),
    SessionKind.PSYCHIATRY: (NoteKind.PSYCHIATRY,),
    SessionKind.FAMILY: (NoteKind.FAMILY,),
}
#: Kinds started with ``note_start`` (a group note needs ``group_note_start``).
SINGLE_PATIENT_KINDS = (
    NoteKind.INDIVIDUAL_DAP,
    NoteKind.INDIVIDUAL_BIRP,
    NoteKind.PSYCHIATRY,
    NoteKind.FAMILY,
)


def _require_writer(author: User, program: Program) -> None:
    if program.pk not in program_ids_with(author, Capability.WRITE_NOTES):
        raise NotAllowed(f"{author.display_name} does not write notes in {program.name}.")


def _locked_session(session: ScheduledSession) -> ScheduledSession:
    """The session, locked so two people starting its note at once cannot both succeed."""
    locked = (
        ScheduledSession.objects.select_for_update(of=("self",))
        .select_related("program", "cohort")
        .get(pk=session.pk)
    )
    if locked.cancelled_at is not None:
        raise ServiceNotWritable("That session was cancelled: there is nothing to document.")
    if locked.starts_at > clock.now():
        raise ServiceNotWritable("That session has not started yet.")
    return locked


def _refuse_second_note(session: ScheduledSession, kinds: tuple[str, ...]) -> None:
    existing = (
        Note.objects.filter(session=session, kind__in=kinds)
        .exclude(state=NoteState.ENTERED_IN_ERROR)
        .values_list("pk", flat=True)
        .first()
    )
    if existing is not None:
        raise NoteExists("This session already has a note.", note_id=existing)


def _create(
    *,
    program: Program,
    session: ScheduledSession | None,
    kind: str,
    service_date: dt.date,
    author: User,
) -> Note:
    now = clock.now()
    note = Note(
        program=program,
        session=session,
        kind=kind,
        state=NoteState.DRAFT,
        service_date=service_date,
        body={s.key: "" for s in sections_for(kind)},
        version=1,
        author=author,
        created_at=now,
        updated_at=now,
    )
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def group_note_start(*, actor: Actor, session: ScheduledSession, author: User) -> Note:
    """Start the one group note of a group ``session``, written by ``author``, with an empty
    entry for each attendee who belongs to the group (``attendees.group_attendees``); absent
    members get none.

    Raises NoteKindInvalid (not a group session), ServiceNotWritable (cancelled, not started),
    NotAllowed (the author does not write notes in the program), NoteExists (the session has
    a group note that is not entered in error: its ``note_id`` is given) and NotCheckedIn
    (nobody's attendance recorded yet, or nobody attended). Audits NOTE_CREATED per attendee.
    """
    session = _locked_session(session)
    if session.kind != SessionKind.GROUP:
        raise NoteKindInvalid("Only a group session has a group note.")
    _require_writer(author, session.program)
    _refuse_second_note(session, (NoteKind.GROUP,))
    service_date = service_date_of(session)
    attendees = list(group_attendees(session, service_date))
    if not attendees:
        if has_attendance(session):
            raise NotCheckedIn("Nobody attended this group, so there is no one to document.")
        raise NotCheckedIn(
            "No attendance is recorded for this group yet: check the group in first."
        )
    note = _create(
        program=session.program,
        session=session,
        kind=NoteKind.GROUP,
        service_date=service_date,
        author=author,
    )
    NoteEntry.objects.bulk_create(NoteEntry(note=note, episode=e) for e in attendees)
    audit_record_many(actor=actor, entries=note_entries("NOTE_CREATED", note, attendees))
    return note


def _session_episode(session: ScheduledSession, episode: EpisodeOfCare | None) -> EpisodeOfCare:
    participant = (
        EpisodeOfCare.objects.filter(session_participations__session=session)
        .select_related("patient", "program")
        .first()
    )
    if participant is None:
        raise ServiceNotWritable("That appointment has no patient.")
    if episode is not None and episode.pk != participant.pk:
        raise ServiceNotWritable("That patient is not the patient of this appointment.")
    return participant


def _check_date(episode: EpisodeOfCare, on: dt.date | None) -> dt.date:
    if on is None:
        raise ServiceNotWritable("Give the date of the service.", field="on")
    if on > clock.localdate(episode.program.zone):
        raise ServiceNotWritable("A note cannot document a day in the future.", field="on")
    if episode.state not in (EpisodeState.ADMITTED, EpisodeState.DISCHARGED) or (
        episode.admitted_on is not None and on < episode.admitted_on
    ):
        raise ServiceNotWritable("The patient was not admitted on that day.", field="on")
    if episode.discharged_on is not None and on > episode.discharged_on:
        raise ServiceNotWritable("The patient was already discharged on that day.", field="on")
    return on


@transaction.atomic
def note_start(
    *,
    actor: Actor,
    kind: NoteKind | str,
    author: User,
    session: ScheduledSession | None = None,
    episode: EpisodeOfCare | None = None,
    on: dt.date | None = None,
) -> Note:
    """Start an individual (DAP or BIRP), psychiatry or family note by ``author``: for an
    appointment ``session`` (its patient, its local date), or without one for ``episode`` on
    the date ``on`` (not in the future, within the episode's stay).

    Raises NoteKindInvalid (a group kind, or a kind that does not fit the session),
    ServiceNotWritable (cancelled or future session, bad date, another patient), NotAllowed
    (the author does not write notes in the program) and NoteExists (the appointment already
    has a note of that kind that is not entered in error). Audits NOTE_CREATED.
    """
    if kind not in SINGLE_PATIENT_KINDS:
        raise NoteKindInvalid("Start a group note from the group's session.")
    if session is not None:
        session = _locked_session(session)
        if kind not in KINDS_FOR_SESSION[session.kind]:
            raise NoteKindInvalid(
                f"A {NoteKind(kind).label} does not document a {session.get_kind_display()} "
                "session."
            )
        episode = _session_episode(session, episode)
        _refuse_second_note(session, KINDS_FOR_SESSION[session.kind])
        service_date = service_date_of(session)
    elif episode is not None:
        episode = EpisodeOfCare.objects.select_related("program").get(pk=episode.pk)
        service_date = _check_date(episode, on)
    else:
        raise ServiceNotWritable("Name the appointment or the patient the note documents.")
    _require_writer(author, episode.program)
    note = _create(
        program=episode.program,
        session=session,
        kind=kind,
        service_date=service_date,
        author=author,
    )
    NoteEntry.objects.create(note=note, episode=episode)
    audit_record_many(actor=actor, entries=note_entries("NOTE_CREATED", note, [episode]))
    return note
