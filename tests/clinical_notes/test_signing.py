"""Signing (password again, required sections, cloned text), co-signing a trainee's note, late
entries, and what may follow a signature: addenda and entered in error, never edits."""

import datetime as dt
from collections import Counter

import pytest

from openiop.accounts.models import Membership
from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_grant
from openiop.audit.models import AuditEvent
from openiop.clinical_notes import errors, services
from openiop.clinical_notes.cloning import identical_entries
from openiop.clinical_notes.models import Addendum, Note, NoteState
from openiop.clinical_notes.services import EntryInput
from tests.clinical_notes.builders import (
    GROUP_BODY,
    checked_in,
    dap_note,
    entry_input,
    filled_group_note,
    group_note,
    sign,
)
from tests.daily import TODAY, local
from tests.factories import PASSWORD, SYSTEM, program_setup, staff
from tests.scheduling.builders import clinician

pytestmark = pytest.mark.django_db


def test_signing_stamps_the_note_and_audits_each_attendee(day):
    # given
    checked_in(day, {3: "absent_unexcused"})
    note = filled_group_note(day)
    # when
    signed = sign(note)
    # then
    signed.refresh_from_db()
    assert signed.state == NoteState.SIGNED
    assert signed.signed_at == local(14, 45)
    assert signed.late_entry is False
    assert signed.cosigner is None
    events = AuditEvent.objects.filter(action="NOTE_SIGNED", outcome="success")
    assert Counter(events.values_list("patient_id", flat=True)) == Counter(
        e.patient_id for e in day.episodes[:3]
    )


def test_part2_program_marks_the_note_events(day):
    day.program.is_part2 = True
    day.program.save(update_fields=["is_part2"])
    checked_in(day)
    sign(filled_group_note(day))
    events = AuditEvent.objects.filter(action__startswith="NOTE_")
    assert events.exists()
    assert all(e.part2 for e in events)


def test_only_the_author_signs_and_the_attempt_is_audited(day):
    checked_in(day)
    note = filled_group_note(day)
    with pytest.raises(errors.NotAuthor) as caught:
        sign(note, by=day.tiny.therapist)
    assert caught.value.code == "not_author"
    assert caught.value.status == 403
    assert Note.objects.get().state == NoteState.DRAFT
    denied = AuditEvent.objects.get(action="NOTE_SIGNED", outcome="denied")
    assert denied.patient_id is None
    assert denied.detail == {"code": "not_author"}


@pytest.mark.parametrize("password", ["wrong password", ""])
def test_a_wrong_password_signs_nothing(day, password):
    checked_in(day)
    note = filled_group_note(day)
    with pytest.raises(errors.PasswordIncorrect) as caught:
        services.note_sign(actor=SYSTEM, note=note, by=note.author, password=password)
    assert caught.value.code == "password_incorrect"
    note.refresh_from_db()
    assert note.state == NoteState.DRAFT
    assert note.signed_at is None
    assert AuditEvent.objects.filter(action="NOTE_SIGNED", outcome="denied").count() == 1
    assert not AuditEvent.objects.filter(action="NOTE_SIGNED", outcome="success").exists()


def test_required_sections_must_be_filled(day):
    checked_in(day)
    note = group_note(day)
    note = services.note_save_draft(
        actor=SYSTEM,
        note=note,
        by=note.author,
        base_version=1,
        body={"topic": "Grief", "narrative": "   "},
        entries=[entry_input(e.episode_id, e.episode_id) for e in note.entries.all()],
    )
    with pytest.raises(errors.SectionsMissing, match="Group narrative"):
        sign(note)
    assert Note.objects.get().state == NoteState.DRAFT


def test_a_signed_note_can_no_longer_be_edited_or_signed_again(day):
    checked_in(day)
    note = sign(filled_group_note(day))
    with pytest.raises(errors.NoteSigned) as caught:
        services.note_save_draft(
            actor=SYSTEM, note=note, by=note.author, base_version=note.version, body=GROUP_BODY
        )
    assert caught.value.code == "note_signed"
    assert caught.value.status == 409
    with pytest.raises(errors.NoteSigned):
        sign(note)
    assert Note.objects.get().body == GROUP_BODY


def test_identical_individualized_text_is_flagged_before_signing(day):
    # given two attendees with the same text (up to case and spacing) and one left empty
    checked_in(day)
    note = group_note(day)
    same = ("Engaged well.", "Receptive.", "Continue.")
    shouty = ("ENGAGED   well.", "receptive.", "Continue.")
    first, second, third, fourth = (e.episode for e in note.entries.order_by("pk"))
    note = services.note_save_draft(
        actor=SYSTEM,
        note=note,
        by=note.author,
        base_version=1,
        body=GROUP_BODY,
        entries=[
            EntryInput(first.pk, same[0], same[1], same[2]),
            EntryInput(second.pk, shouty[0], shouty[1], shouty[2]),
            entry_input(third.pk, 3),
        ],
    )
    # when
    groups = identical_entries(note)
    # then
    assert [(g.empty, set(g.episode_ids)) for g in groups] == [
        (False, {first.pk, second.pk}),
        (True, {fourth.pk}),
    ]
    with pytest.raises(errors.IdenticalEntries) as caught:
        sign(note)
    assert caught.value.code == "identical_entries"
    assert first.patient.display_name in str(caught.value)
    assert fourth.patient.display_name in str(caught.value)
    assert third.patient.display_name not in str(caught.value)
    assert Note.objects.get().state == NoteState.DRAFT
    # and the author may sign anyway, explicitly
    assert sign(note, confirm_identical=True).state == NoteState.SIGNED


def test_a_trainees_note_waits_for_the_supervisors_cosign(day):
    # given a trainee therapist supervised by the program's therapist
    trainee = clinician(day.program, ProgramRole.THERAPIST)
    supervisor = day.tiny.therapist
    membership_grant(
        actor=SYSTEM,
        user=trainee,
        program=day.program,
        role=ProgramRole.THERAPIST,
        supervisor=supervisor,
    )
    checked_in(day)
    note = filled_group_note(day, author=trainee)
    # when
    signed = sign(note)
    # then
    assert signed.state == NoteState.AWAITING_COSIGN
    assert signed.cosigner == supervisor
    assert signed.signed_at is not None
    # only the supervisor co-signs, with their own password
    with pytest.raises(errors.NotCosigner) as caught:
        services.note_cosign(actor=SYSTEM, note=signed, by=day.tiny.director, password=PASSWORD)
    assert caught.value.status == 403
    with pytest.raises(errors.NotCosigner):
        services.note_cosign(actor=SYSTEM, note=signed, by=trainee, password=PASSWORD)
    with pytest.raises(errors.PasswordIncorrect):
        services.note_cosign(actor=SYSTEM, note=signed, by=supervisor, password="nope")
    assert Note.objects.get().state == NoteState.AWAITING_COSIGN
    cosigned = services.note_cosign(actor=SYSTEM, note=signed, by=supervisor, password=PASSWORD)
    assert cosigned.state == NoteState.SIGNED
    assert cosigned.cosigned_at is not None
    assert AuditEvent.objects.filter(action="NOTE_COSIGNED", outcome="success").count() == 4
    with pytest.raises(errors.NoteSigned, match="already co-signed"):
        services.note_cosign(actor=SYSTEM, note=cosigned, by=supervisor, password=PASSWORD)


def test_a_deactivated_supervisor_cannot_be_asked_to_cosign(day):
    trainee = clinician(day.program, ProgramRole.THERAPIST)
    supervisor = staff(ProgramRole.THERAPIST, day.program)
    membership_grant(
        actor=SYSTEM,
        user=trainee,
        program=day.program,
        role=ProgramRole.THERAPIST,
        supervisor=supervisor,
    )
    Membership.objects.filter(user=supervisor).update(is_active=False)
    checked_in(day)
    with pytest.raises(errors.SupervisorUnavailable):
        sign(filled_group_note(day, author=trainee))
    assert Note.objects.get().state == NoteState.DRAFT


def test_signing_after_the_documentation_window_marks_a_late_entry(day, clock_at):
    checked_in(day)
    note = filled_group_note(day)
    # the group ended at 14:30; the program allows 48 hours
    clock_at.move_to(local(14, 30) + dt.timedelta(hours=48, minutes=1))
    assert sign(note).late_entry is True


def test_signing_just_inside_the_window_is_not_late(day, clock_at):
    checked_in(day)
    note = filled_group_note(day)
    clock_at.move_to(local(14, 30) + dt.timedelta(hours=48))
    assert sign(note).late_entry is False


def test_a_note_without_a_session_is_late_48_hours_after_its_service_day_ends(day, clock_at):
    note = dap_note(day, on=TODAY)
    midnight = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(0), tzinfo=local(0).tzinfo)
    clock_at.move_to(midnight + dt.timedelta(hours=48, seconds=1))
    assert sign(note).late_entry is True


def test_an_addendum_is_added_to_a_signed_note_only(day):
    checked_in(day)
    draft = filled_group_note(day)
    with pytest.raises(errors.NoteNotSigned):
        services.addendum_add(
            actor=SYSTEM, note=draft, by=draft.author, password=PASSWORD, text="Later."
        )
    note = sign(draft)
    # any clinician of the program may add one, signed with their password
    with pytest.raises(errors.PasswordIncorrect):
        services.addendum_add(
            actor=SYSTEM, note=note, by=day.tiny.therapist, password="no", text="Later."
        )
    with pytest.raises(errors.TextRequired):
        services.addendum_add(
            actor=SYSTEM, note=note, by=day.tiny.therapist, password=PASSWORD, text="  "
        )
    addendum = services.addendum_add(
        actor=SYSTEM, note=note, by=day.tiny.therapist, password=PASSWORD, text="Called later."
    )
    assert addendum.author == day.tiny.therapist
    assert addendum.signed_at is not None
    assert Note.objects.get().body == GROUP_BODY  # the original is unchanged
    assert AuditEvent.objects.filter(action="NOTE_ADDENDUM_ADDED", outcome="success").count() == 4


def test_a_clinician_of_another_program_cannot_add_an_addendum(day):
    checked_in(day)
    note = sign(filled_group_note(day))
    outsider = staff(ProgramRole.THERAPIST, program_setup().program)
    with pytest.raises(errors.NotAllowed):
        services.addendum_add(
            actor=SYSTEM, note=note, by=outsider, password=PASSWORD, text="Not mine."
        )
    assert not Addendum.objects.exists()


def test_entered_in_error_needs_a_reason_and_keeps_the_text(day):
    # given
    checked_in(day)
    note = sign(filled_group_note(day))

    def mark(by, reason):
        return services.note_enter_in_error(
            actor=SYSTEM, note=note, by=by, password=PASSWORD, reason=reason
        )

    # when / then
    with pytest.raises(errors.ReasonRequired) as caught:
        mark(note.author, "   ")
    assert caught.value.code == "reason_required"
    with pytest.raises(errors.NotAllowed):
        mark(day.tiny.therapist, "Not mine.")
    marked = mark(day.tiny.director, "Wrong group.")
    marked.refresh_from_db()
    assert marked.state == NoteState.ENTERED_IN_ERROR
    assert marked.error_by == day.tiny.director
    assert marked.error_reason == "Wrong group."
    assert marked.body == GROUP_BODY
    assert marked.entries.count() == 4
    with pytest.raises(errors.NoteEnteredInError):
        mark(note.author, "Again.")
    with pytest.raises(errors.NoteEnteredInError):
        services.addendum_add(
            actor=SYSTEM, note=marked, by=note.author, password=PASSWORD, text="x"
        )


def test_a_draft_cannot_be_entered_in_error(day):
    checked_in(day)
    draft = filled_group_note(day)
    with pytest.raises(errors.NoteNotSigned):
        services.note_enter_in_error(
            actor=SYSTEM, note=draft, by=draft.author, password=PASSWORD, reason="Oops."
        )
