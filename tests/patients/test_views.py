import datetime as dt
import logging

import pytest
import time_machine
from django.urls import reverse

from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_grant
from openiop.audit.models import AuditEvent
from openiop.patients.models import Patient
from tests.factories import SYSTEM, login, patient, program_setup, staff

pytestmark = pytest.mark.django_db


def test_list_shows_only_own_programs_and_audits_each_patient_shown(
    client, django_assert_max_num_queries
):
    home, other = program_setup("Home IOP"), program_setup("Other IOP")
    mine = [patient(home.program) for _ in range(30)]
    canary = patient(other.program, legal_family_name="Zzyzxcanary")
    login(client, staff(ProgramRole.THERAPIST, home.program))
    with django_assert_max_num_queries(18):
        response = client.get(reverse("patients:list"))
    body = response.content.decode()
    assert "Zzyzxcanary" not in body
    listed = set(
        AuditEvent.objects.filter(action="PATIENT_LISTED").values_list("patient_id", flat=True)
    )
    assert len(listed) == 25  # one page
    assert listed <= {p.pk for p in mine}
    assert canary.pk not in listed


def test_query_count_does_not_grow_with_the_page(client, django_assert_max_num_queries):
    ps = program_setup()
    login(client, staff(ProgramRole.THERAPIST, ps.program))
    for _ in range(3):
        patient(ps.program)
    with django_assert_max_num_queries(18) as few:
        client.get(reverse("patients:list"))
    for _ in range(22):
        patient(ps.program)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("patients:list"))


def test_search_by_name_is_a_post_and_folds_case_and_accents(client):
    ps = program_setup()
    patient(ps.program, legal_given_name="José", legal_family_name="Núñez")
    patient(ps.program, legal_given_name="Ann", legal_family_name="Other")
    login(client, staff(ProgramRole.THERAPIST, ps.program))
    response = client.post(reverse("patients:list"), {"q": "nunez"})
    body = response.content.decode()
    assert "Núñez" in body
    assert "Other" not in body


def test_chart_escapes_html_and_sql_looking_names(client):
    ps = program_setup()
    p = patient(
        ps.program,
        legal_given_name="<script>alert(1)</script>",
        legal_family_name="'; DROP TABLE x;--",
    )
    login(client, staff(ProgramRole.THERAPIST, ps.program))
    body = client.get(reverse("patients:chart", args=[p.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&#x27;; DROP TABLE x;--" in body


def test_chart_view_is_audited_with_part2_flag(client):
    sud = program_setup("SUD IOP", part2=True)
    p = patient(sud.program)
    user = staff(ProgramRole.THERAPIST, sud.program)
    login(client, user)
    response = client.get(reverse("patients:chart", args=[p.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="PATIENT_VIEWED")
    assert (event.patient_id, event.actor_id, event.part2) == (p.pk, user.pk, True)
    assert event.request_id == response["X-Request-ID"]
    assert event.ip == "127.0.0.1"


def test_register_form_catches_future_birth_date_and_long_names(client):
    ps = program_setup()
    login(client, staff(ProgramRole.INTAKE_COORDINATOR, ps.program))
    response = client.post(
        reverse("patients:register"),
        {
            "program": ps.program.pk,
            "legal_given_name": "A" * 300,
            "legal_family_name": "B",
            "date_of_birth": "2999-01-01",
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    response = client.post(
        reverse("patients:register"),
        {
            "program": ps.program.pk,
            "legal_given_name": "A",
            "legal_family_name": "B",
            "date_of_birth": "2999-01-01",
            "language": "en",
        },
    )
    assert "cannot be in the future" in response.content.decode()
    assert not Patient.objects.exists()


def test_register_then_duplicate_warning_then_confirmation(client):
    ps = program_setup()
    login(client, staff(ProgramRole.INTAKE_COORDINATOR, ps.program))
    data = {
        "program": ps.program.pk,
        "legal_given_name": "مريم",
        "legal_family_name": "Haddad 🙂",
        "date_of_birth": "1990-02-03",
        "language": "ar",
    }
    first = client.post(reverse("patients:register"), data)
    assert first.status_code == 302
    again = client.post(reverse("patients:register"), data)
    assert again.status_code == 200
    assert "already registered" in again.content.decode()
    assert Patient.objects.count() == 1
    existing = Patient.objects.get()
    assert AuditEvent.objects.filter(action="PATIENT_LISTED", patient_id=existing.pk).exists()
    confirmed = client.post(reverse("patients:register"), {**data, "confirm_not_duplicate": "on"})
    assert confirmed.status_code == 302
    assert Patient.objects.count() == 2


def test_program_of_another_team_cannot_be_chosen_on_register(client):
    home, other = program_setup("Home"), program_setup("Other")
    login(client, staff(ProgramRole.INTAKE_COORDINATOR, home.program))
    response = client.post(
        reverse("patients:register"),
        {
            "program": other.program.pk,
            "legal_given_name": "A",
            "legal_family_name": "B",
            "date_of_birth": "1990-01-01",
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert not Patient.objects.exists()


def test_admit_and_discharge_from_the_chart(client):
    ps = program_setup()
    p = patient(ps.program)
    episode = p.episodes.get()
    login(client, staff(ProgramRole.PROGRAM_DIRECTOR, ps.program))
    url = reverse("patients:episode_transition", args=[p.pk, episode.pk, "admit"])
    assert client.post(url, {"track": ps.track.pk}).status_code == 302
    episode.refresh_from_db()
    assert (episode.state, episode.track_id) == ("admitted", ps.track.pk)
    # A second admit is a clear 400, not a 500, and nothing changes.
    again = client.post(url, {"track": ps.track.pk})
    assert again.status_code == 400
    assert "Cannot admit an episode that is admitted" in again.content.decode()
    bad = client.post(
        reverse("patients:episode_transition", args=[p.pk, episode.pk, "discharge"]),
        {"reason": "bogus"},
    )
    assert bad.status_code == 400
    unknown = client.post(
        reverse("patients:episode_transition", args=[p.pk, episode.pk, "teleport"])
    )
    assert unknown.status_code == 404


def test_no_phi_reaches_the_application_log(client, caplog):
    ps = program_setup()
    p = patient(
        ps.program,
        legal_given_name="Zzyzx",
        legal_family_name="Canary",
        date_of_birth=dt.date(1901, 2, 3),
    )
    login(client, staff(ProgramRole.THERAPIST, ps.program))
    with caplog.at_level(logging.DEBUG):
        client.get(reverse("patients:chart", args=[p.pk]))
        client.post(reverse("patients:list"), {"q": "Canary"})
        client.get(reverse("patients:chart", args=[p.pk + 999]))
    text = "\n".join(r.getMessage() for r in caplog.records)
    for canary in ("Zzyzx", "Canary", "1901"):
        assert canary not in text


def test_contacts_tab_says_whether_information_may_be_shared_in_program_time(client):
    from openiop.patients.services import contact_add
    from tests.factories import SYSTEM

    ps = program_setup(tz="America/Los_Angeles")
    p = patient(ps.program)
    contact_add(
        actor=SYSTEM,
        patient=p,
        name="Ann",
        relationship="sister",
        release_of_information=True,
        release_expires_on=dt.date(2026, 3, 9),
    )
    contact_add(actor=SYSTEM, patient=p, name="Bo", relationship="friend")
    user = staff(ProgramRole.THERAPIST, ps.program)
    # 02:30 UTC on 10 March is still 9 March in Los Angeles: the release is valid today.
    with time_machine.travel("2026-03-10 02:30Z", tick=False):
        login(client, user)
        body = client.get(reverse("patients:contacts", args=[p.pk])).content.decode()
    assert body.count("May share information") == 1
    assert "no signed release of information" in body
    with time_machine.travel("2026-03-10 09:00Z", tick=False):
        login(client, user)
        body = client.get(reverse("patients:contacts", args=[p.pk])).content.decode()
    assert "the release expired on 2026-03-09" in body
    assert (
        AuditEvent.objects.filter(
            action="PATIENT_CONTACTS_VIEWED", patient_id=p.pk, category="contacts"
        ).count()
        == 2
    )


def test_contact_form_shows_only_where_the_user_may_edit_this_patient(client):
    ours, theirs = program_setup("Ours"), program_setup("Theirs")
    p = patient(theirs.program)
    user = staff(ProgramRole.CASE_MANAGER, ours.program)  # may edit, but not in p's program
    membership_grant(actor=SYSTEM, user=user, program=theirs.program, role=ProgramRole.THERAPIST)
    login(client, user)
    body = client.get(reverse("patients:contacts", args=[p.pk])).content.decode()
    assert "Add a contact" not in body
    assert (
        client.post(
            reverse("patients:contact_add", args=[p.pk]), {"name": "A", "relationship": "B"}
        ).status_code
        == 404
    )
