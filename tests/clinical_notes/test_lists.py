"""The chart's Notes tab and the unsigned-notes list: what they show, to whom, and with a
fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_grant
from openiop.audit.models import AuditEvent
from openiop.clinical_notes import services
from openiop.clinical_notes.models import NoteKind
from openiop.clinical_notes.selectors import patient_notes, unsigned_notes
from tests.clinical_notes.builders import (
    AFTER_INDIVIDUAL,
    checked_in,
    dap_note,
    filled_group_note,
    group_note,
    objective,
    sign,
)
from tests.daily import TODAY, local
from tests.factories import SYSTEM, login
from tests.scheduling.builders import clinician

pytestmark = pytest.mark.django_db


def test_the_chart_lists_a_patients_notes_newest_first_with_only_their_own_entry(day):
    # given a group note, an older DAP note linked to an objective, and someone else's note
    checked_in(day)
    group = sign(filled_group_note(day))
    goal = objective(day, day.episodes[0])
    older = dap_note(day, on=TODAY - dt.timedelta(days=2))
    older = services.note_save_draft(
        actor=SYSTEM,
        note=older,
        by=older.author,
        base_version=older.version,
        body=older.body,
        entries=[services.EntryInput(day.episodes[0].pk, objective_ids=(goal.pk,))],
    )
    sign(older)
    dap_note(day, episode=day.episodes[1])
    # when
    rows = patient_notes(day.episodes[0].patient, day.tiny.director)
    # then
    assert [r.note.pk for r in rows] == [group.pk, older.pk]
    assert {r.entry.episode_id for r in rows} == {day.episodes[0].pk}
    assert list(rows[1].entry.objectives.all()) == [goal]


def test_a_draft_shows_in_the_chart_of_its_author_only(day):
    note = dap_note(day)
    patient = day.episodes[0].patient
    assert [r.note.pk for r in patient_notes(patient, note.author)] == [note.pk]
    assert patient_notes(patient, day.tiny.director) == []


def test_the_notes_tab_has_a_fixed_query_count(client, day, django_assert_num_queries):
    checked_in(day)
    sign(filled_group_note(day))
    login(client, day.tiny.director)
    path = reverse("clinical_notes:chart", kwargs={"patient_id": day.episodes[0].patient_id})
    client.get(path)  # warm the session and caches
    with django_assert_num_queries(QUERIES_NOTES_TAB) as one:
        client.get(path)
    # more notes, addenda and objectives: the same count
    for on in (TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=2)):
        sign(dap_note(day, on=on))
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(path)
    assert response.content.decode().count('class="card" id="note-') == 3


# PostgreSQL takes one more: the advisory lock that serialises audit appends.
QUERIES_NOTES_TAB = 19 + int(connection.vendor == "postgresql")


def test_the_unsigned_list_shows_drafts_and_cosigns_oldest_first_with_their_age(day, clock_at):
    # given drafts of different ages by the therapist, and a trainee's note to co-sign
    two_days_ago = TODAY - dt.timedelta(days=2)
    old = dap_note(day, episode=day.episodes[1], on=two_days_ago)
    clock_at.move_to(AFTER_INDIVIDUAL)
    fresh = services.note_start(
        actor=SYSTEM,
        kind=NoteKind.INDIVIDUAL_DAP,
        author=day.tiny.therapist,
        session=day.individual,
    )
    trainee = clinician(day.program, ProgramRole.THERAPIST)
    membership_grant(
        actor=SYSTEM,
        user=trainee,
        program=day.program,
        role=ProgramRole.THERAPIST,
        supervisor=day.tiny.therapist,
    )
    checked_in(day)
    awaiting = sign(filled_group_note(day, author=trainee))
    # when
    clock_at.move_to(local(18))
    rows = unsigned_notes(day.tiny.therapist)
    # then
    assert [r.note.pk for r in rows] == [old.pk, awaiting.pk, fresh.pk]
    assert [r.waiting_for for r in rows] == ["signature", "cosign", "signature"]
    assert rows[0].age_label == "2 d 18 h"  # since the start of 2 March, local
    assert rows[1].age_label == "3 h"  # the group ended at 14:30
    assert rows[2].age_label == "2 h"  # the appointment ended at 15:50
    assert rows[0].patient == day.episodes[1].patient
    assert rows[1].patient is None
    assert rows[1].attendees == 4
    assert unsigned_notes(day.tiny.facilitator) == []


def test_the_unsigned_page_has_a_fixed_query_count_and_audits_the_names(
    client, day, django_assert_num_queries
):
    dap_note(day, episode=day.episodes[0])
    login(client, day.tiny.therapist)
    path = reverse("clinical_notes:unsigned")
    client.get(path)
    with django_assert_num_queries(QUERIES_UNSIGNED) as one:
        client.get(path)
    for index in (1, 2, 3):
        dap_note(day, episode=day.episodes[index])
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(path)
    page = response.content.decode()
    assert all(e.patient.display_name in page for e in day.episodes)
    listed = AuditEvent.objects.filter(action="PATIENT_LISTED")
    assert set(listed.values_list("patient_id", flat=True)) == {e.patient_id for e in day.episodes}


QUERIES_UNSIGNED = 13 + int(connection.vendor == "postgresql")


def test_a_group_draft_lists_its_group_not_its_attendees(client, day):
    checked_in(day)
    group_note(day)
    login(client, day.tiny.facilitator)
    page = client.get(reverse("clinical_notes:unsigned")).content.decode()
    assert "4 attendees" in page
    assert day.episodes[0].patient.display_name not in page
