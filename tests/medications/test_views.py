"""The chart's Medications tab and a facilitator's watch page: what each role sees and may
post, clear 400s on bad input with nothing written, 404 for another program, fixed queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from openiop.audit.models import AuditEvent
from openiop.medications import services
from openiop.medications.models import DrugScreen, Medication, MedicationWatch
from tests.daily import TODAY, Day
from tests.factories import SYSTEM, login
from tests.medications.scenarios import DAY, change, screen, start, substance_use

pytestmark = pytest.mark.django_db
# PostgreSQL takes the audit chain's advisory lock once per audit write.
LOCK = int(connection.vendor == "postgresql")


def chart_url(patient_id: int) -> str:
    return reverse("medications:chart", kwargs={"patient_id": patient_id})


def action_url(name: str, episode, **kwargs: int) -> str:
    return reverse(
        f"medications:{name}",
        kwargs={"patient_id": episode.patient_id, "episode_id": episode.pk, **kwargs},
    )


def prefixed(prefix: str, data: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}-{key}": value for key, value in data.items()}


START = {
    "drug": "Escitalopram",
    "dose": "10 mg",
    "frequency": "once daily",
    "started_on": TODAY.isoformat(),
}


def test_a_prescriber_sees_the_list_history_watches_and_forms(client: Client, day: Day):
    medication = start(day, started_on=TODAY - 10 * DAY)
    change(day, medication, effective_on=TODAY - DAY)
    login(client, day.tiny.prescriber)
    page = client.get(chart_url(day.episodes[0].patient_id))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Sertraline 100 mg, once daily" in body
    assert "changed from 50 mg, once daily to 100 mg, once daily" in body
    assert "Facilitators watching for a response" in body
    assert f"{day.tiny.facilitator.display_name} — Sertraline" in body
    assert "watching until 2026-03-10" in body
    assert "Start a medication…" in body
    assert "Change the dose or frequency…" in body
    assert "Drug screens" not in body  # not a Part 2 program
    event = AuditEvent.objects.get(action="PATIENT_MEDICATIONS_VIEWED")
    assert (event.category, event.part2) == ("medications", False)


def test_a_facilitator_reads_the_tab_without_forms_and_cannot_prescribe(client: Client, day: Day):
    medication = start(day)
    episode = day.episodes[0]
    login(client, day.tiny.facilitator)
    body = client.get(chart_url(episode.patient_id)).content.decode()
    posts = [
        client.post(action_url("start", episode), prefixed("start", START)),
        client.post(action_url("change", episode, medication_id=medication.pk), {}),
        client.post(action_url("stop", episode, medication_id=medication.pk), {}),
        client.post(action_url("screen_record", episode), {}),
    ]
    assert "Sertraline" in body
    assert "Start a medication…" not in body
    assert "Stop this medication…" not in body
    assert [p.status_code for p in posts] == [403, 403, 403, 403]
    assert Medication.objects.count() == 1


def test_another_programs_clinicians_get_404_everywhere_and_change_nothing(
    client: Client, day: Day
):
    # given a medication and a screen in two programs, and a prescriber of a third
    medication = start(day)
    s = substance_use()
    screen(s)
    outsider = substance_use("Another SUD IOP").prescriber
    episode = day.episodes[0]
    login(client, outsider)
    # when they reach for the other programs' records
    responses = [
        client.get(chart_url(episode.patient_id)),
        client.get(chart_url(s.episode.patient_id)),
        client.post(action_url("start", episode), prefixed("start", START)),
        client.post(
            action_url("change", episode, medication_id=medication.pk),
            prefixed(f"change-{medication.pk}", {"dose": "1 g", "frequency": "daily"}),
        ),
        client.post(
            action_url("stop", episode, medication_id=medication.pk),
            prefixed(f"stop-{medication.pk}", {"stopped_on": TODAY.isoformat(), "reason": "x"}),
        ),
        client.post(action_url("screen_record", s.episode), {}),
        client.post(reverse("medications:watch_seen", kwargs={"watch_id": 1})),
    ]
    # then every answer is 404 and nothing changed
    assert [r.status_code for r in responses] == [404] * 7
    assert Medication.objects.get().dose == "50 mg"
    assert DrugScreen.objects.count() == 1
    assert not AuditEvent.objects.filter(action="DRUG_SCREENS_VIEWED", outcome="success")


def test_a_medication_of_another_episode_is_404(client: Client, day: Day):
    other = start(day, day.episodes[1])
    login(client, day.tiny.prescriber)
    response = client.post(
        action_url("stop", day.episodes[0], medication_id=other.pk),
        prefixed(f"stop-{other.pk}", {"stopped_on": TODAY.isoformat(), "reason": "Rash"}),
    )
    assert response.status_code == 404
    assert Medication.objects.get().stopped_on is None


def test_a_prescriber_starts_changes_and_stops_through_the_forms(client: Client, day: Day):
    episode = day.episodes[0]
    login(client, day.tiny.prescriber)
    data = prefixed("start", {**START, "prescriber": str(day.tiny.prescriber.pk)})
    started = client.post(action_url("start", episode), data)
    medication = Medication.objects.get()
    changed = client.post(
        action_url("change", episode, medication_id=medication.pk),
        prefixed(
            f"change-{medication.pk}",
            {"dose": "20 mg", "frequency": "once daily", "effective_on": TODAY.isoformat()},
        ),
    )
    stopped = client.post(
        action_url("stop", episode, medication_id=medication.pk),
        prefixed(f"stop-{medication.pk}", {"stopped_on": TODAY.isoformat(), "reason": "Rash"}),
    )
    expected = f"{chart_url(episode.patient_id)}?episode={episode.pk}"
    assert [r.status_code for r in (started, changed, stopped)] == [302, 302, 302]
    assert started["Location"] == expected
    medication.refresh_from_db()
    assert (medication.dose, medication.stopped_on, medication.stop_reason) == (
        "20 mg",
        TODAY,
        "Rash",
    )
    assert MedicationWatch.objects.count() == 3
    body = client.get(expected).content.decode()
    assert "Escitalopram 20 mg, once daily" in body
    assert "Stopped 2026-03-04" in body


def test_a_stop_before_the_start_is_shown_on_its_field_and_writes_nothing(client: Client, day: Day):
    medication = start(day, started_on=TODAY - 2 * DAY)
    login(client, day.tiny.prescriber)
    response = client.post(
        action_url("stop", day.episodes[0], medication_id=medication.pk),
        prefixed(
            f"stop-{medication.pk}",
            {"stopped_on": (TODAY - 3 * DAY).isoformat(), "reason": "Nausea"},
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "This date is before the start on 2026-03-02." in body
    assert f'id="id_stop-{medication.pk}-stopped_on_error"' in body or "errorlist" in body
    medication.refresh_from_db()
    assert medication.stopped_on is None
    assert medication.changes.count() == 1
    assert not AuditEvent.objects.filter(action="MEDICATION_STOPPED")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**START, "started_on": "2026-05-01"}, "at most 30 days ahead"),
        ({**START, "drug": "   "}, "This field is required."),
        ({**START, "started_on": "not a date"}, "Enter a valid date."),
        ({**START, "prescriber": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_starts_get_a_clear_400(client: Client, day: Day, data, message):
    login(client, day.tiny.prescriber)
    full = {"prescriber": str(day.tiny.prescriber.pk), **data}
    response = client.post(action_url("start", day.episodes[0]), prefixed("start", full))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Medication.objects.exists()


def test_the_part2_tab_shows_the_label_and_screens_and_audits_the_read(client: Client, noon):
    s = substance_use()
    screen(
        s,
        results=[
            {"substance": "Buprenorphine", "result": "expected"},
            {"substance": "Cocaine", "result": "positive"},
        ],
    )
    login(client, s.therapist)
    body = client.get(chart_url(s.episode.patient_id)).content.decode()
    assert "42 CFR Part 2 protected — do not redisclose" in body
    assert "Buprenorphine: positive, prescribed (expected)" in body
    assert "Cocaine: <strong>positive</strong>" in body
    assert "Record a drug screen…" in body
    event = AuditEvent.objects.get(action="DRUG_SCREENS_VIEWED")
    assert (event.part2, event.category) == (True, "drug_screen")
    assert AuditEvent.objects.get(action="PATIENT_MEDICATIONS_VIEWED").part2 is True


def test_a_screen_is_recorded_through_the_form(client: Client, noon):
    s = substance_use()
    login(client, s.therapist)
    data = prefixed(
        "screen",
        {
            "collected_on": TODAY.isoformat(),
            "specimen": "urine",
            "panel_cocaine": "negative",
            "panel_buprenorphine": "expected",
            "other1_substance": "Xylazine",
            "other1_result": "positive",
            "comment": "Observed collection",
        },
    )
    response = client.post(action_url("screen_record", s.episode), data)
    assert response.status_code == 302
    recorded = DrugScreen.objects.get()
    assert recorded.results == [
        {"substance": "Buprenorphine", "result": "expected"},
        {"substance": "Cocaine", "result": "negative"},
        {"substance": "Xylazine", "result": "positive"},
    ]
    assert recorded.positive is True


def test_a_screen_form_without_results_or_in_a_mental_health_program_is_refused(
    client: Client, day: Day
):
    s = substance_use()
    login(client, s.therapist)
    empty = prefixed("screen", {"collected_on": TODAY.isoformat(), "specimen": "urine"})
    no_results = client.post(action_url("screen_record", s.episode), empty)
    named_only = client.post(
        action_url("screen_record", s.episode),
        {**empty, "screen-other1_substance": "Kratom"},
    )
    login(client, day.tiny.director)
    elsewhere = client.post(
        action_url("screen_record", day.episodes[0]),
        {**empty, "screen-panel_cocaine": "negative"},
    )
    assert no_results.status_code == named_only.status_code == elsewhere.status_code == 400
    assert "Enter at least one substance and result." in no_results.content.decode()
    assert "Choose a result for Kratom" in named_only.content.decode()
    assert "is not a substance-use program" in elsewhere.content.decode()
    assert not DrugScreen.objects.exists()


# Session, user, OTP device, memberships, patient access and its audit append (savepoint,
# chain head, insert, release), the chart header (patient, episodes, contacts, safety alerts),
# medications, their changes, running watches, prescribers for the start form, and the
# session's activity stamp (savepoint, update, release).
CHART_QUERIES = 20 + LOCK


def test_the_tab_takes_fixed_queries_whatever_the_number_of_medications(
    client: Client, day: Day, django_assert_num_queries
):
    episode = day.episodes[0]
    start(day)
    login(client, day.tiny.prescriber)
    url = chart_url(episode.patient_id)
    client.get(url)  # warm the session
    with django_assert_num_queries(CHART_QUERIES):
        assert client.get(url).status_code == 200
    for drug in ("Bupropion", "Trazodone", "Hydroxyzine"):
        change(day, start(day, drug=drug, started_on=TODAY - 5 * DAY), effective_on=TODAY)
    with django_assert_num_queries(CHART_QUERIES):
        assert client.get(url).status_code == 200


def test_the_part2_tab_adds_only_the_screens_and_their_audit(
    client: Client, noon, django_assert_num_queries
):
    s = substance_use()
    services.medication_start(
        actor=SYSTEM,
        episode=s.episode,
        by=s.prescriber,
        drug="Naltrexone",
        dose="50 mg",
        frequency="once daily",
        prescriber=s.prescriber,
        started_on=TODAY,
    )
    for n in range(3):
        screen(s, collected_on=TODAY - n * DAY)
    login(client, s.therapist)
    url = chart_url(s.episode.patient_id)
    client.get(url)
    # the screens, and their audit append (savepoint, chain head, insert, release); a
    # therapist sees no start form, so no prescribers are read
    with django_assert_num_queries(CHART_QUERIES + 5 - 1 + LOCK):
        assert client.get(url).status_code == 200


def test_the_watch_page_lists_only_ones_own_watches(
    client: Client, day: Day, django_assert_num_queries
):
    # given watches for the facilitator on two patients, and one for the therapist
    start(day, day.episodes[0])
    start(day, day.episodes[1], drug="Bupropion")
    MedicationWatch.objects.filter(change__medication__drug="Bupropion").update(
        facilitator=day.tiny.therapist
    )
    start(day, day.episodes[2], drug="Lithium")
    login(client, day.tiny.facilitator)
    url = reverse("medications:watches")
    client.get(url)  # warm the session
    # when the facilitator opens the page: session, user, OTP device, memberships, program
    # zones, watches, the audit append (savepoint, chain head, insert, release) and the
    # session's activity stamp (savepoint, update, release), however many watches
    with django_assert_num_queries(13 + LOCK):
        page = client.get(url)
    body = page.content.decode()
    # then only their two watches are listed, each with a button
    assert page.status_code == 200
    assert "Sertraline: started 50 mg, once daily" in body
    assert "Lithium: started 50 mg" in body
    assert "Bupropion" not in body
    assert body.count("Mark seen<") == 2
    assert day.episodes[1].patient.display_name not in body


def test_a_facilitator_marks_a_watch_seen_with_or_without_htmx(client: Client, day: Day):
    start(day, day.episodes[0])
    start(day, day.episodes[1])
    first, second = MedicationWatch.objects.order_by("pk")
    login(client, day.tiny.facilitator)
    plain = client.post(reverse("medications:watch_seen", kwargs={"watch_id": first.pk}))
    swapped = client.post(
        reverse("medications:watch_seen", kwargs={"watch_id": second.pk}), HTTP_HX_REQUEST="true"
    )
    assert plain.status_code == 302
    assert plain["Location"] == reverse("medications:watches")
    assert swapped.status_code == 200
    assert f'<tr id="watch-{second.pk}">' in swapped.content.decode()
    assert "Mark seen" not in swapped.content.decode()
    assert MedicationWatch.objects.filter(seen_at__isnull=False).count() == 2


def test_someone_elses_watch_is_404(client: Client, day: Day):
    start(day)
    watch = MedicationWatch.objects.get()
    login(client, day.tiny.therapist)
    response = client.post(reverse("medications:watch_seen", kwargs={"watch_id": watch.pk}))
    assert response.status_code == 404
    assert MedicationWatch.objects.get().seen_at is None
