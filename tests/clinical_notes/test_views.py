"""The note pages through the browser's eyes: write a group note once and find it in each
attendee's chart, sign with the password, conflicts side by side, addenda and entered in
error, and the clear refusals (403, 404, 409) for bad input."""

from collections import Counter

import pytest
from django.urls import reverse

from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_grant
from openiop.audit.models import AuditEvent
from openiop.clinical_notes.models import Addendum, DraftConflict, Note, NoteState
from tests.clinical_notes.builders import (
    AFTER_INDIVIDUAL,
    checked_in,
    filled_group_note,
    group_note,
    sign,
    texts,
)
from tests.daily import ordinary_day
from tests.factories import PASSWORD, SYSTEM, login
from tests.scheduling.builders import clinician

pytestmark = pytest.mark.django_db


def draft_data(note, *, intent="save", password="", narrative="Practised TIPP.", **extra):
    data = {
        "base_version": note.version,
        "intent": intent,
        "password": password,
        "s_topic": "Distress tolerance",
        "s_narrative": narrative,
    }
    for entry in note.entries.order_by("pk"):
        for name, text in texts(entry.episode_id).items():
            data[f"e{entry.episode_id}_{name}"] = text
    data.update(extra)
    return data


def url(name, **kwargs):
    return reverse(f"clinical_notes:{name}", kwargs=kwargs)


def test_a_facilitator_writes_one_group_note_that_lands_in_each_attendees_chart(client, day):
    # given a checked-in group with one absent member
    checked_in(day, {3: "absent_unexcused"})
    facilitator = day.tiny.facilitator
    login(client, facilitator)
    # when the facilitator starts, writes and signs the group note
    start = client.get(url("group_start", session_id=day.group.pk))
    assert start.status_code == 200
    created = client.post(url("group_start", session_id=day.group.pk))
    note = Note.objects.get()
    assert created.status_code == 302
    assert created["Location"] == url("note", note_id=note.pk)
    edit = client.get(created["Location"])
    assert edit.status_code == 200
    absent = day.episodes[3].patient
    assert day.episodes[0].patient.display_name in edit.content.decode()
    assert absent.display_name not in edit.content.decode()
    signed = client.post(
        url("save", note_id=note.pk), draft_data(note, intent="sign", password=PASSWORD)
    )
    assert signed.status_code == 302
    note.refresh_from_db()
    assert note.state == NoteState.SIGNED
    # then each attendee's chart shows the narrative and only their own section
    for index, episode in enumerate(day.episodes[:3]):
        page = client.get(url("chart", patient_id=episode.patient_id)).content.decode()
        assert "Practised TIPP." in page
        assert texts(episode.pk)["participation"] in page
        others = [e for i, e in enumerate(day.episodes) if i != index]
        for other in others:
            assert texts(other.pk)["participation"] not in page
            assert other.patient.display_name not in page
    absent_chart = client.get(url("chart", patient_id=absent.pk)).content.decode()
    assert "Practised TIPP." not in absent_chart
    assert "No notes yet." in absent_chart


def test_starting_a_group_note_before_check_in_says_so(client, day):
    login(client, day.tiny.facilitator)
    response = client.post(url("group_start", session_id=day.group.pk))
    assert response.status_code == 400
    assert "check the group in first" in response.content.decode()
    assert not Note.objects.exists()


def test_a_second_group_note_goes_to_the_first(client, day):
    checked_in(day)
    note = group_note(day)
    login(client, day.tiny.therapist)
    response = client.post(url("group_start", session_id=day.group.pk))
    assert response["Location"] == url("note", note_id=note.pk)
    assert Note.objects.count() == 1


def test_a_wrong_password_keeps_the_saved_text_and_says_why(client, day):
    checked_in(day)
    note = group_note(day)
    login(client, note.author)
    response = client.post(
        url("save", note_id=note.pk), draft_data(note, intent="sign", password="wrong")
    )
    assert response.status_code == 400
    assert "That password is not correct." in response.content.decode()
    note.refresh_from_db()
    assert note.state == NoteState.DRAFT
    assert note.version == 2
    assert note.body["narrative"] == "Practised TIPP."


def test_identical_text_is_warned_and_needs_sign_anyway(client, day):
    checked_in(day)
    note = group_note(day)
    login(client, note.author)
    same = draft_data(note, intent="sign", password=PASSWORD)
    for entry in note.entries.all():
        same[f"e{entry.episode_id}_participation"] = "Participated."
        same[f"e{entry.episode_id}_response"] = "Good."
        same[f"e{entry.episode_id}_plan"] = "Continue."
    refused = client.post(url("save", note_id=note.pk), same)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Individualize before signing" in page
    assert "identical text" in page
    note.refresh_from_db()
    assert note.state == NoteState.DRAFT
    same.update(base_version=note.version, confirm_identical="on")
    assert client.post(url("save", note_id=note.pk), same).status_code == 302
    assert Note.objects.get().state == NoteState.SIGNED


def test_two_saves_from_the_same_version_get_a_409_and_both_texts_side_by_side(client, day):
    checked_in(day)
    note = group_note(day)
    login(client, note.author)
    first = draft_data(note, narrative="Narrative from the first tab.")
    second = draft_data(note, narrative="Narrative from the second tab.")
    assert client.post(url("save", note_id=note.pk), first).status_code == 302
    response = client.post(url("save", note_id=note.pk), second)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Narrative from the first tab." in page
    assert "Narrative from the second tab." in page
    assert Note.objects.get().body["narrative"] == "Narrative from the first tab."
    assert DraftConflict.objects.get().body["narrative"] == "Narrative from the second tab."


def test_only_the_author_signs(client, day):
    checked_in(day)
    note = filled_group_note(day)
    login(client, day.tiny.therapist)
    response = client.post(
        url("save", note_id=note.pk), draft_data(note, intent="sign", password=PASSWORD)
    )
    assert response.status_code == 403
    assert "Only the author" in response.content.decode()
    assert Note.objects.get().state == NoteState.DRAFT


def test_editing_after_signing_is_a_409(client, day):
    checked_in(day)
    note = sign(filled_group_note(day))
    login(client, note.author)
    response = client.post(url("save", note_id=note.pk), draft_data(note, narrative="Changed."))
    assert response.status_code == 409
    assert "can no longer be changed" in response.content.decode()
    assert Note.objects.get().body["narrative"] != "Changed."


def test_a_group_entry_for_someone_not_in_the_cohort_is_a_400(client, day):
    checked_in(day, {3: "absent_excused"})
    note = group_note(day)
    login(client, note.author)
    # a hand-made form naming the absent member
    data = draft_data(note, **{f"e{day.episodes[3].pk}_participation": "Was not there."})
    response = client.post(url("save", note_id=note.pk), data)
    assert response.status_code == 400
    assert "did not attend this session as a member" in response.content.decode()
    note.refresh_from_db()
    assert note.version == 1
    assert not note.entries.filter(episode=day.episodes[3]).exists()


def test_an_addendum_and_entered_in_error_from_the_note_page(client, day):
    # given a signed note
    checked_in(day)
    note = sign(filled_group_note(day))
    login(client, day.tiny.therapist)
    # when the therapist adds an addendum
    added = client.post(
        url("addendum_add", note_id=note.pk), {"text": "Called after group.", "password": PASSWORD}
    )
    # then
    assert added.status_code == 302
    assert Addendum.objects.get().author == day.tiny.therapist
    # and the author marks it entered in error, which needs a reason
    client.logout()
    login(client, note.author)
    refused = client.post(
        url("enter_in_error", note_id=note.pk), {"reason": " ", "password": PASSWORD}
    )
    assert refused.status_code == 400
    assert "Say why" in refused.content.decode()
    marked = client.post(
        url("enter_in_error", note_id=note.pk), {"reason": "Wrong group.", "password": PASSWORD}
    )
    assert marked.status_code == 302
    chart = client.get(url("chart", patient_id=day.episodes[0].patient_id)).content.decode()
    assert "Entered in error" in chart
    assert "Wrong group." in chart
    assert "<del>" in chart
    assert "Called after group." in chart


def test_a_trainee_signs_and_only_the_supervisor_cosigns(client, day):
    trainee = clinician(day.program, ProgramRole.THERAPIST)
    membership_grant(
        actor=SYSTEM,
        user=trainee,
        program=day.program,
        role=ProgramRole.THERAPIST,
        supervisor=day.tiny.therapist,
    )
    checked_in(day)
    note = sign(filled_group_note(day, author=trainee))
    assert note.state == NoteState.AWAITING_COSIGN
    login(client, day.tiny.director)
    assert client.post(url("cosign", note_id=note.pk), {"password": PASSWORD}).status_code == 403
    client.logout()
    login(client, day.tiny.therapist)
    page = client.get(url("note", note_id=note.pk)).content.decode()
    assert "Co-sign" in page
    assert client.post(url("cosign", note_id=note.pk), {"password": PASSWORD}).status_code == 302
    assert Note.objects.get().state == NoteState.SIGNED


def test_a_note_from_the_chart_and_from_an_appointment(client, day, clock_at):
    login(client, day.tiny.therapist)
    patient_id = day.episodes[1].patient_id
    future = client.post(
        url("chart_start", patient_id=patient_id, kind="family"), {"on": "2026-03-05"}
    )
    assert future.status_code == 400
    assert "future" in future.content.decode()
    created = client.post(
        url("chart_start", patient_id=patient_id, kind="family"), {"on": "2026-03-04"}
    )
    assert created.status_code == 302
    assert Note.objects.get().entries.get().episode == day.episodes[1]
    clock_at.move_to(AFTER_INDIVIDUAL)
    login(client, day.tiny.therapist)  # the idle session expired meanwhile
    session = client.post(
        url("session_start", session_id=day.individual.pk, kind="individual_birp")
    )
    assert session.status_code == 302
    assert Note.objects.get(session=day.individual).kind == "individual_birp"


def test_an_unknown_kind_is_a_404(client, day):
    login(client, day.tiny.therapist)
    assert (
        client.get(
            url("chart_start", patient_id=day.episodes[0].patient_id, kind="group")
        ).status_code
        == 404
    )
    assert (
        client.get(url("session_start", session_id=day.individual.pk, kind="nope")).status_code
        == 404
    )


def test_another_programs_clinician_gets_404_on_every_note_page(client, day):
    # given a signed note and a draft in this program, and a director of another program
    checked_in(day)
    signed = sign(filled_group_note(day))
    other = ordinary_day("Other IOP")
    login(client, other.tiny.director)
    patient_id = day.episodes[0].patient_id
    gets = [
        url("note", note_id=signed.pk),
        url("group_start", session_id=day.group.pk),
        url("session_start", session_id=day.individual.pk, kind="individual_dap"),
        url("chart", patient_id=patient_id),
        url("chart_start", patient_id=patient_id, kind="individual_dap"),
    ]
    posts = {
        url("save", note_id=signed.pk): draft_data(signed),
        url("cosign", note_id=signed.pk): {"password": PASSWORD},
        url("addendum_add", note_id=signed.pk): {"text": "Not mine.", "password": PASSWORD},
        url("enter_in_error", note_id=signed.pk): {"reason": "Not mine.", "password": PASSWORD},
        url("group_start", session_id=day.group.pk): {},
        url("session_start", session_id=day.individual.pk, kind="individual_dap"): {},
        url("chart_start", patient_id=patient_id, kind="individual_dap"): {"on": "2026-03-04"},
    }
    # then
    for path in gets:
        assert client.get(path).status_code == 404, path
    for path, data in posts.items():
        assert client.post(path, data).status_code == 404, path
    assert not Addendum.objects.exists()
    assert Note.objects.count() == 1
    assert Note.objects.get().state == NoteState.SIGNED
    denied = AuditEvent.objects.filter(outcome="denied")
    assert denied.count() >= len(gets) + len(posts)
    assert not denied.exclude(patient_id=None).exists()


def test_reading_a_note_is_audited_for_each_patient(client, day):
    checked_in(day)
    note = sign(filled_group_note(day))
    login(client, day.tiny.director)
    assert client.get(url("note", note_id=note.pk)).status_code == 200
    viewed = AuditEvent.objects.filter(action="NOTE_VIEWED")
    assert Counter(viewed.values_list("patient_id", flat=True)) == Counter(
        e.patient_id for e in day.episodes
    )
