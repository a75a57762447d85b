"""Starting notes: a group note for the attendees of a checked-in group, and single-patient
notes for an appointment or a date."""

import datetime as dt
from collections import Counter

import pytest

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.clinical_notes import errors, services
from openiop.clinical_notes.models import Note, NoteKind, NoteState
from openiop.scheduling.models import SessionKind
from openiop.scheduling.services import session_cancel, session_create
from tests.clinical_notes.builders import (
    AFTER_INDIVIDUAL,
    checked_in,
    filled_group_note,
    group_note,
    sign,
)
from tests.daily import NOON, TODAY, attend, local
from tests.factories import PASSWORD, SYSTEM, staff

pytestmark = pytest.mark.django_db


def test_group_note_has_an_entry_per_attendee_and_none_for_absent_members(day):
    # given
    checked_in(day, {1: "late", 2: "absent_excused", 3: "absent_unexcused"})
    # when
    note = group_note(day)
    # then
    assert note.kind == NoteKind.GROUP
    assert note.state == NoteState.DRAFT
    assert note.session == day.group
    assert note.service_date == TODAY
    assert note.version == 1
    assert note.body == {"topic": "", "narrative": ""}
    documented = set(note.entries.values_list("episode_id", flat=True))
    assert documented == {day.episodes[0].pk, day.episodes[1].pk}
    created = AuditEvent.objects.filter(action="NOTE_CREATED")
    assert Counter(created.values_list("patient_id", flat=True)) == Counter(
        [day.episodes[0].patient_id, day.episodes[1].patient_id]
    )
    assert {e.category for e in created} == {"notes"}
    assert {e.object_id for e in created} == {str(note.pk)}


def test_group_note_is_refused_before_anyone_is_checked_in(day):
    with pytest.raises(errors.NotCheckedIn, match="check the group in first") as caught:
        group_note(day)
    assert caught.value.code == "no_attendance"
    assert not Note.objects.exists()


def test_group_note_is_refused_when_everyone_was_absent(day):
    checked_in(day, dict.fromkeys(range(4), "absent_unexcused"))
    with pytest.raises(errors.NotCheckedIn, match="Nobody attended"):
        group_note(day)
    assert not Note.objects.exists()


def test_a_session_has_one_group_note(day):
    checked_in(day)
    first = group_note(day)
    with pytest.raises(errors.NoteExists) as caught:
        group_note(day, author=day.tiny.therapist)
    assert caught.value.code == "note_exists"
    assert caught.value.status == 409
    assert caught.value.note_id == first.pk
    assert Note.objects.count() == 1


def test_a_group_note_entered_in_error_can_be_written_again(day):
    checked_in(day)
    wrong = sign(filled_group_note(day))
    services.note_enter_in_error(
        actor=SYSTEM, note=wrong, by=wrong.author, password=PASSWORD, reason="Wrong group."
    )
    again = group_note(day)
    assert again.pk != wrong.pk
    assert again.state == NoteState.DRAFT


def test_group_note_is_refused_before_the_group_starts(day, clock_at):
    clock_at.move_to(NOON)
    attend(day, day.episodes[0])
    with pytest.raises(errors.ServiceNotWritable, match="not started yet"):
        group_note(day)


def test_group_note_is_refused_for_a_cancelled_session(day):
    checked_in(day)
    session_cancel(actor=SYSTEM, session=day.group)
    with pytest.raises(errors.ServiceNotWritable, match="cancelled"):
        group_note(day)


def test_only_a_group_session_has_a_group_note(day, clock_at):
    clock_at.move_to(AFTER_INDIVIDUAL)
    with pytest.raises(errors.NoteKindInvalid):
        services.group_note_start(actor=SYSTEM, session=day.individual, author=day.tiny.therapist)


def test_the_author_must_write_notes_in_the_program(day):
    checked_in(day)
    billing = staff(ProgramRole.BILLING_SPECIALIST, day.program)
    with pytest.raises(errors.NotAllowed) as caught:
        group_note(day, author=billing)
    assert caught.value.status == 403
    assert not Note.objects.exists()


def test_dap_note_for_an_appointment_documents_its_patient_on_its_local_date(day, clock_at):
    clock_at.move_to(AFTER_INDIVIDUAL)
    note = services.note_start(
        actor=SYSTEM,
        kind=NoteKind.INDIVIDUAL_DAP,
        author=day.tiny.therapist,
        session=day.individual,
    )
    assert note.service_date == TODAY
    assert note.body == {"data": "", "assessment": "", "plan": ""}
    assert list(note.entries.values_list("episode_id", flat=True)) == [day.episodes[0].pk]
    event = AuditEvent.objects.get(action="NOTE_CREATED")
    assert event.patient_id == day.episodes[0].patient_id


def test_an_evening_session_keeps_its_local_service_date_after_utc_midnight(day, clock_at):
    # given a 19:00–19:50 Chicago appointment, which is already the next day in UTC
    evening = session_create(
        actor=SYSTEM,
        program=day.program,
        kind=SessionKind.INDIVIDUAL,
        starts_at=local(19),
        ends_at=local(19, 50),
        clinician=day.tiny.therapist,
        episodes=[day.episodes[1]],
    )
    clock_at.move_to(local(20))
    # when
    note = services.note_start(
        actor=SYSTEM, kind=NoteKind.INDIVIDUAL_BIRP, author=day.tiny.therapist, session=evening
    )
    # then
    assert evening.starts_at.astimezone(dt.UTC).date() == TODAY + dt.timedelta(days=1)
    assert note.service_date == TODAY


@pytest.mark.parametrize("kind", [NoteKind.PSYCHIATRY, NoteKind.FAMILY, NoteKind.GROUP])
def test_a_note_kind_must_fit_the_session(day, clock_at, kind):
    clock_at.move_to(AFTER_INDIVIDUAL)
    with pytest.raises(errors.NoteKindInvalid):
        services.note_start(
            actor=SYSTEM, kind=kind, author=day.tiny.therapist, session=day.individual
        )
    assert not Note.objects.exists()


def test_an_appointment_has_one_note(day, clock_at):
    clock_at.move_to(AFTER_INDIVIDUAL)
    services.note_start(
        actor=SYSTEM,
        kind=NoteKind.INDIVIDUAL_DAP,
        author=day.tiny.therapist,
        session=day.individual,
    )
    with pytest.raises(errors.NoteExists):
        services.note_start(
            actor=SYSTEM,
            kind=NoteKind.INDIVIDUAL_BIRP,
            author=day.tiny.therapist,
            session=day.individual,
        )


def test_a_session_note_names_the_sessions_patient_only(day, clock_at):
    clock_at.move_to(AFTER_INDIVIDUAL)
    with pytest.raises(errors.ServiceNotWritable, match="not the patient"):
        services.note_start(
            actor=SYSTEM,
            kind=NoteKind.INDIVIDUAL_DAP,
            author=day.tiny.therapist,
            session=day.individual,
            episode=day.episodes[1],
        )


def test_a_note_without_a_session_needs_a_date_not_in_the_future(day):
    start = {"actor": SYSTEM, "author": day.tiny.prescriber, "episode": day.episodes[2]}
    with pytest.raises(errors.ServiceNotWritable, match="date"):
        services.note_start(kind=NoteKind.PSYCHIATRY, **start)
    with pytest.raises(errors.ServiceNotWritable, match="future"):
        services.note_start(kind=NoteKind.PSYCHIATRY, on=TODAY + dt.timedelta(days=1), **start)
    with pytest.raises(errors.ServiceNotWritable, match="not admitted"):
        services.note_start(kind=NoteKind.PSYCHIATRY, on=dt.date(2026, 1, 2), **start)
    note = services.note_start(kind=NoteKind.PSYCHIATRY, on=TODAY, **start)
    assert note.session is None
    assert note.service_date == TODAY
    assert set(note.body) == {
        "interval_history",
        "mental_status",
        "medications_reviewed",
        "assessment",
        "plan",
    }
