"""Fetch-and-authorize for notes, sessions and chart notes: allowed cases and the denied
ones, which are one audited NotFound whether the record is missing or not yours."""

from collections import Counter

import pytest

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.clinical_notes.access import (
    can_write_notes,
    episode_for_note,
    note_access,
    session_for_note,
)
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from tests.clinical_notes.builders import checked_in, filled_group_note
from tests.daily import ordinary_day
from tests.factories import SYSTEM, patient, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(day):
    checked_in(day)
    return filled_group_note(day)


def test_a_reader_of_the_program_gets_the_note_and_the_read_is_audited_per_patient(day, note):
    billing = staff(ProgramRole.BILLING_SPECIALIST, day.program)
    found = note_access(
        billing, note.pk, actor=SYSTEM, capability=Capability.VIEW_PATIENTS, action="NOTE_VIEWED"
    )
    assert found == note
    viewed = AuditEvent.objects.filter(action="NOTE_VIEWED")
    assert Counter(viewed.values_list("patient_id", flat=True)) == Counter(
        e.patient_id for e in day.episodes
    )


def test_reading_is_not_writing(day, note):
    billing = staff(ProgramRole.BILLING_SPECIALIST, day.program)
    with pytest.raises(NotFound):
        note_access(
            billing, note.pk, actor=SYSTEM, capability=Capability.WRITE_NOTES, action="NOTE_SAVED"
        )
    assert not can_write_notes(billing, day.program.pk)
    assert can_write_notes(day.tiny.facilitator, day.program.pk)


@pytest.mark.parametrize("offset", [0, 10_000])
def test_another_programs_note_and_a_missing_one_look_the_same(day, note, offset):
    other = ordinary_day("Other IOP")
    with pytest.raises(NotFound) as caught:
        note_access(
            other.tiny.therapist,
            note.pk + offset,
            actor=SYSTEM,
            capability=Capability.WRITE_NOTES,
            action="NOTE_ADDENDUM_ADDED",
        )
    assert str(caught.value) == "No such note."
    denied = AuditEvent.objects.get(action="NOTE_ADDENDUM_ADDED", outcome="denied")
    assert denied.patient_id is None
    assert denied.detail == {"requested_note_id": str(note.pk + offset)}


@pytest.mark.parametrize("bad_id", [0, -1, 2**63, 2**64])
def test_out_of_range_ids_are_not_found_without_a_database_error(day, bad_id):
    with pytest.raises(NotFound):
        note_access(
            day.tiny.therapist,
            bad_id,
            actor=SYSTEM,
            capability=Capability.VIEW_PATIENTS,
            action="NOTE_VIEWED",
        )


def test_a_session_is_reached_only_by_those_who_write_notes_in_its_program(day):
    assert (
        session_for_note(day.tiny.facilitator, day.group.pk, actor=SYSTEM, action="X") == day.group
    )
    other = ordinary_day("Other IOP")
    with pytest.raises(NotFound):
        session_for_note(other.tiny.facilitator, day.group.pk, actor=SYSTEM, action="X")
    billing = staff(ProgramRole.BILLING_SPECIALIST, day.program)
    with pytest.raises(NotFound):
        session_for_note(billing, day.group.pk, actor=SYSTEM, action="X")


def test_a_chart_note_is_for_the_patients_episode_in_a_program_where_one_writes_notes(day):
    episode = day.episodes[0]
    found = episode_for_note(day.tiny.therapist, episode.patient_id, actor=SYSTEM, action="X")
    assert found == episode
    other = ordinary_day("Other IOP")
    with pytest.raises(NotFound):
        episode_for_note(other.tiny.therapist, episode.patient_id, actor=SYSTEM, action="X")
    with pytest.raises(NotFound):
        episode_for_note(day.tiny.therapist, patient(other.program).pk, actor=SYSTEM, action="X")
