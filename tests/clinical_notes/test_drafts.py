"""Saving drafts: sections and entries, the golden thread, who may be named, and concurrent
edits that never lose text."""

from collections import Counter

import pytest

from openiop.attendance.models import Attendance, AttendanceStatus
from openiop.attendance.services import attendance_correct
from openiop.audit.models import AuditEvent
from openiop.clinical_notes import errors, services
from openiop.clinical_notes.models import DraftConflict, Note, NoteEntry
from openiop.clinical_notes.services import EntryInput
from openiop.patients import services as patient_services
from tests.clinical_notes.builders import (
    GROUP_BODY,
    checked_in,
    dap_note,
    entries_for,
    entry_input,
    group_note,
    objective,
    sign,
    texts,
)
from tests.daily import TODAY, attend, ordinary_day
from tests.factories import SYSTEM, patient

pytestmark = pytest.mark.django_db


def save(note, *, base_version=None, body=GROUP_BODY, entries=(), by=None, **kwargs):
    return services.note_save_draft(
        actor=SYSTEM,
        note=note,
        by=by or note.author,
        base_version=note.version if base_version is None else base_version,
        body=body,
        entries=list(entries),
        **kwargs,
    )


def test_saving_stores_sections_entries_and_objectives_and_counts_the_version(day):
    # given
    checked_in(day, {3: "absent_unexcused"})
    note = group_note(day)
    goal = objective(day, day.episodes[0])
    first = entry_input(day.episodes[0].pk, 1, objective_ids=(goal.pk,))
    # when
    saved = save(
        note, body={"topic": " Grief \r\n", "narrative": "Line one\r\nline two"}, entries=[first]
    )
    # then
    saved.refresh_from_db()
    assert saved.version == 2
    assert saved.body == {"topic": "Grief", "narrative": "Line one\nline two"}
    entry = saved.entries.get(episode=day.episodes[0])
    assert entry.participation == texts(1)["participation"]
    assert list(entry.objectives.all()) == [goal]
    untouched = saved.entries.get(episode=day.episodes[1])
    assert untouched.participation == ""
    events = AuditEvent.objects.filter(action="NOTE_SAVED")
    assert Counter(events.values_list("patient_id", flat=True)) == Counter(
        e.patient_id for e in day.episodes[:3]
    )
    assert all("participation" not in str(e.detail) for e in events)  # no text in the audit


def test_a_group_entry_naming_someone_not_in_the_cohort_saves_nothing(day):
    # given an admitted patient of the same program who is not in the group
    checked_in(day)
    note = group_note(day)
    stranger = patient(day.program)
    outsider = patient_services.episode_admit(
        actor=SYSTEM, episode=stranger.episodes.get(), track=day.tiny.track, on=TODAY
    )
    entries = [*entries_for(note), entry_input(outsider.pk, 9)]
    # when
    with pytest.raises(errors.NotInCohort) as caught:
        save(note, entries=entries)
    # then
    assert caught.value.code == "not_in_cohort"
    note.refresh_from_db()
    assert note.version == 1
    assert note.body == {"topic": "", "narrative": ""}
    assert not NoteEntry.objects.exclude(participation="").exists()
    assert not NoteEntry.objects.filter(episode=outsider).exists()


def test_an_absent_member_cannot_be_given_an_entry(day):
    checked_in(day, {2: "absent_excused"})
    note = group_note(day)
    with pytest.raises(errors.NotInCohort):
        save(note, entries=[entry_input(day.episodes[2].pk, 2)])
    assert not note.entries.filter(episode=day.episodes[2]).exists()


def test_an_objective_must_be_in_that_patients_plan(day):
    checked_in(day)
    note = group_note(day)
    theirs = objective(day, day.episodes[1])
    with pytest.raises(errors.ObjectiveNotInPlan) as caught:
        save(note, entries=[EntryInput(day.episodes[0].pk, objective_ids=(theirs.pk,))])
    assert caught.value.code == "objective_not_in_plan"
    assert not NoteEntry.objects.filter(objectives=theirs).exists()
    assert Note.objects.get().version == 1


def test_only_the_author_edits_a_draft(day):
    checked_in(day)
    note = group_note(day)
    with pytest.raises(errors.NotAuthor) as caught:
        save(note, by=day.tiny.therapist)
    assert caught.value.status == 403
    assert Note.objects.get().version == 1


def test_two_saves_from_the_same_version_keep_both_texts(day):
    # given two tabs that opened version 1
    checked_in(day)
    note = group_note(day)
    mine = {"topic": "Grief", "narrative": "First tab's narrative."}
    theirs = {"topic": "Grief", "narrative": "Second tab's narrative."}
    save(note, base_version=1, body=mine, entries=[entry_input(day.episodes[0].pk, 1)])
    # when the second tab saves from version 1 too
    with pytest.raises(errors.DraftConflictError) as caught:
        save(note, base_version=1, body=theirs, entries=[entry_input(day.episodes[0].pk, 2)])
    # then the stored version is the first, and the second is kept beside it
    assert caught.value.code == "draft_conflict"
    assert caught.value.status == 409
    note.refresh_from_db()
    assert note.version == 2
    assert note.body["narrative"] == "First tab's narrative."
    assert note.entries.get(episode=day.episodes[0]).participation == texts(1)["participation"]
    conflict = DraftConflict.objects.get()
    assert conflict == caught.value.conflict
    assert conflict.base_version == 1
    assert conflict.body["narrative"] == "Second tab's narrative."
    assert conflict.entries[0]["participation"] == texts(2)["participation"]
    assert conflict.resolved_at is None
    assert AuditEvent.objects.filter(action="NOTE_CONFLICT_KEPT").count() == 4


def test_signing_waits_until_the_conflict_is_merged(day):
    # given a kept conflict
    checked_in(day)
    note = group_note(day)
    save(note, base_version=1, entries=entries_for(note))
    with pytest.raises(errors.DraftConflictError) as caught:
        save(note, base_version=1, body={"topic": "Other", "narrative": "Other"})
    # when the author signs without merging
    with pytest.raises(errors.ConflictOpen):
        sign(Note.objects.get())
    # then merging (a save that resolves it) lets them sign
    merged = save(Note.objects.get(), resolves=[caught.value.conflict.pk])
    assert DraftConflict.objects.get().resolved_at is not None
    assert sign(merged).state == "signed"


def test_text_that_cannot_be_stored_is_refused(day):
    checked_in(day)
    note = group_note(day)
    with pytest.raises(errors.NoteInputInvalid, match="control characters"):
        save(note, body={"topic": "a\x00b", "narrative": ""})
    with pytest.raises(errors.NoteInputInvalid, match="too long"):
        save(note, body={"topic": "x" * 20_001, "narrative": ""})
    with pytest.raises(errors.NoteInputInvalid, match="Unknown section"):
        save(note, body={"data": "DAP sections are not group sections"})
    assert Note.objects.get().version == 1


def test_a_single_patient_note_has_no_individualized_sections(day):
    note = dap_note(day)
    with pytest.raises(errors.NoteInputInvalid):
        save(note, body={}, entries=[EntryInput(day.episodes[0].pk, participation="x")])
    with pytest.raises(errors.NotInCohort):
        save(note, body={}, entries=[EntryInput(day.episodes[1].pk)])


def test_someone_checked_in_after_the_note_was_started_gets_an_entry_on_save(day):
    checked_in(day, {3: "absent_unexcused"})
    note = group_note(day)
    # the facilitator corrects the roster: the last patient was there after all
    attendance = Attendance.objects.get(episode=day.episodes[3])
    attendance_correct(
        actor=SYSTEM,
        attendance=attendance,
        status=AttendanceStatus.PRESENT,
        minutes=None,
        by=day.tiny.facilitator,
    )
    saved = save(note)
    assert saved.entries.filter(episode=day.episodes[3]).exists()


def test_a_corrected_absence_drops_an_empty_entry_and_keeps_a_written_one(day):
    # given two entries, one written
    checked_in(day)
    note = group_note(day)
    save(note, entries=[entry_input(day.episodes[0].pk, 0)])
    for index in (0, 1):
        attendance_correct(
            actor=SYSTEM,
            attendance=Attendance.objects.get(episode=day.episodes[index], session=day.group),
            status=AttendanceStatus.ABSENT_EXCUSED,
            minutes=0,
            by=day.tiny.facilitator,
        )
    # when
    note = save(Note.objects.get())
    # then the written text is never lost, and signing explains what to do
    documented = set(note.entries.values_list("episode_id", flat=True))
    assert day.episodes[0].pk in documented
    assert day.episodes[1].pk not in documented
    with pytest.raises(errors.NotInCohort, match="No longer checked in"):
        sign(note, confirm_identical=True)


def test_another_cohorts_attendee_of_a_different_program_is_not_in_this_group(day):
    other = ordinary_day("Other IOP")
    attend(other, other.episodes[0])
    checked_in(day)
    note = group_note(day)
    with pytest.raises(errors.NotInCohort):
        save(note, entries=[entry_input(other.episodes[0].pk, 1)])
