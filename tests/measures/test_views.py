import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from openiop.accounts.roles import OrgRole, ProgramRole
from openiop.audit.models import AuditEvent
from openiop.measures.models import MeasureResponse, SafetyAlert, Timepoint
from tests import factories
from tests.measures.scenarios import ADMITTED, PHQ9_ITEM9, PHQ9_MODERATE, at, record, scenario

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
# The whole measures tab, however many answers and instruments the patient has.
# PostgreSQL adds the audit chain's advisory lock for the one audit row the page writes.
CHART_QUERIES = 20 + (connection.vendor == "postgresql")


def _weeks(s, count):
    for week in range(1, count + 1):
        due = ADMITTED + 7 * week * DAY
        with at(due):
            record(s, [max(0, 2 - week // 2)] * 8 + [0], timepoint=Timepoint.WEEKLY, due_on=due)


def _chart(client, s):
    return client.get(reverse("measures:chart", kwargs={"patient_id": s.patient.pk}))


def test_the_measures_tab_plots_each_instrument_with_a_table(client: Client):
    s = scenario()
    with at(ADMITTED):
        record(s, [3, 3, 2, 2, 2, 2, 2, 2, 0])
    _weeks(s, 4)
    with at(ADMITTED + 30 * DAY):
        factories.login(client, s.therapist)
        page = _chart(client, s)
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body
    assert "PHQ-9 over time" in body
    assert "Table view" in body
    assert "reliable improvement" in body
    assert AuditEvent.objects.filter(
        action="PATIENT_MEASURES_VIEWED", patient_id=s.patient.pk
    ).exists()


def test_the_measures_tab_runs_a_fixed_number_of_queries(client: Client):
    s = scenario()
    with at(ADMITTED):
        record(s, PHQ9_MODERATE)
    later = ADMITTED + 30 * DAY
    with at(later):
        factories.login(client, s.therapist)
        _chart(client, s)  # warm the session
        few = _queries(client, s)
    _weeks(s, 4)
    with at(ADMITTED + 8 * DAY):
        record(s, [1] * 7, instrument="gad7", timepoint=Timepoint.WEEKLY, due_on=ADMITTED + 7 * DAY)
    with at(later):
        many = _queries(client, s)
    assert MeasureResponse.objects.count() == 6
    assert few == many == CHART_QUERIES


def _queries(client, s):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert _chart(client, s).status_code == 200
    return len(captured)


def test_an_open_alert_shows_in_the_chart_header_until_acknowledged(client: Client):
    s = scenario()
    with at(ADMITTED):
        alert = record(s, PHQ9_ITEM9).alert
    assert alert is not None
    factories.login(client, s.therapist)
    overview = reverse("patients:chart", kwargs={"patient_id": s.patient.pk})
    ack = reverse(
        "measures:alert_acknowledge", kwargs={"patient_id": s.patient.pk, "alert_id": alert.pk}
    )
    with at(ADMITTED):
        assert "Open safety alert" in client.get(overview).content.decode()
        refused = client.post(ack, {"action_taken": "ok"})
        assert refused.status_code == 400
        assert "at least 10 characters" in refused.content.decode()
        assert SafetyAlert.objects.get().acknowledged_at is None
        done = client.post(ack, {"action_taken": "Called the patient; risk assessment done."})
        assert done.status_code == 302
        assert "Open safety alert" not in client.get(overview).content.decode()
    assert SafetyAlert.objects.get().acknowledged_by == s.therapist


def _paper_url(s):
    kwargs = {"patient_id": s.patient.pk, "episode_id": s.episode.pk, "instrument": "phq9"}
    return reverse(
        "measures:paper", kwargs={**kwargs, "timepoint": "intake", "due_on": ADMITTED.isoformat()}
    )


def test_a_paper_form_is_marked_as_transcribed_by_its_enterer(client: Client):
    s = scenario()
    factories.login(client, s.therapist)
    url = _paper_url(s)
    answers = {f"phq9-item_{n}": 1 for n in range(1, 10)}
    with at(ADMITTED):
        assert client.get(url).status_code == 200
        unconfirmed = client.post(url, answers)
        assert unconfirmed.status_code == 400
        assert not MeasureResponse.objects.exists()
        assert client.post(url, {**answers, "confirm": "on"}).status_code == 302
    response = MeasureResponse.objects.get()
    assert (response.source, response.entered_by, response.total) == ("paper", s.therapist, 9)


def test_a_paper_form_with_out_of_range_text_is_refused(client: Client):
    s = scenario()
    factories.login(client, s.therapist)
    url = _paper_url(s)
    with at(ADMITTED):
        response = client.post(url, {"phq9-item_1": "seven", "confirm": "on"})
    assert response.status_code == 400
    assert not MeasureResponse.objects.exists()


def _other_program_therapist():
    other = factories.program_setup("Other IOP")
    return factories.staff(ProgramRole.THERAPIST, other.program)


def test_another_programs_clinician_gets_404_everywhere(client: Client):
    s = scenario()
    with at(ADMITTED):
        alert = record(s, PHQ9_ITEM9).alert
    assert alert is not None
    factories.login(client, _other_program_therapist())
    patient, episode = s.patient.pk, s.episode.pk
    with at(ADMITTED):
        assert (
            client.get(reverse("measures:chart", kwargs={"patient_id": patient})).status_code == 404
        )
        assert (
            client.get(reverse("measures:fhir", kwargs={"patient_id": patient})).status_code == 404
        )
        for name in ("link_create", "kiosk_start"):
            url = reverse(f"measures:{name}", kwargs={"patient_id": patient, "episode_id": episode})
            assert client.post(url).status_code == 404
        ack = reverse(
            "measures:alert_acknowledge", kwargs={"patient_id": patient, "alert_id": alert.pk}
        )
        assert client.post(ack, {"action_taken": "Trying to close it."}).status_code == 404
    assert SafetyAlert.objects.get().acknowledged_at is None
    assert AuditEvent.objects.filter(action="SAFETY_ALERT_ACKNOWLEDGED", outcome="denied").exists()


def test_a_facilitator_may_not_acknowledge_alerts(client: Client):
    s = scenario()
    with at(ADMITTED):
        alert = record(s, PHQ9_ITEM9).alert
    assert alert is not None
    factories.login(client, factories.staff(ProgramRole.GROUP_FACILITATOR, s.ps.program))
    ack = reverse(
        "measures:alert_acknowledge", kwargs={"patient_id": s.patient.pk, "alert_id": alert.pk}
    )
    assert client.post(ack, {"action_taken": "Not my call to make."}).status_code == 403


def test_the_due_list_shows_overdue_first(client: Client):
    s = scenario()
    factories.login(client, s.therapist)
    with at(ADMITTED + 3 * DAY):
        page = client.get(reverse("measures:due"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Overdue 3 days" in body
    assert s.patient.legal_family_name in body
    assert AuditEvent.objects.filter(action="PATIENT_LISTED", patient_id=s.patient.pk).exists()


def test_an_auditor_cannot_see_measures(client: Client):
    s = scenario()
    factories.login(client, factories.staff(org_role=OrgRole.AUDITOR))
    assert client.get(reverse("measures:due")).status_code == 403
    assert (
        client.get(reverse("measures:chart", kwargs={"patient_id": s.patient.pk})).status_code
        == 403
    )


def test_the_alert_reaches_the_primary_clinicians_today_page_only(client: Client):
    s = scenario()
    with at(ADMITTED):
        record(s, PHQ9_ITEM9)
        factories.login(client, s.therapist)
        mine = client.get(reverse("dashboard:today")).content.decode()
        colleague = Client()
        factories.login(colleague, factories.staff(ProgramRole.GROUP_FACILITATOR, s.ps.program))
        theirs = colleague.get(reverse("dashboard:today")).content.decode()
    assert "Safety alert for you" in mine
    assert s.patient.legal_family_name in mine
    assert "Safety alert for you" not in theirs
