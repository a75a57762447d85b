import csv
import datetime as dt
import io
import json
from collections.abc import Sequence

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.measures.models import Timepoint
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason, EpisodeOfCare
from tests import factories
from tests.factories import SYSTEM
from tests.measures.scenarios import ADMITTED, PHQ9_MODERATE, Scenario, at, record, scenario

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
END = ADMITTED + 56 * DAY
REPORT_DAY = END + 60 * DAY
# The outcomes page, however many episodes and responses it summarizes.
# A savepoint wraps the three report queries; PostgreSQL adds the audit chain's advisory lock
# for the page's audit row and a larger work_mem for the report's transaction.
REPORT_QUERIES = 20 + 2 * (connection.vendor == "postgresql")


def _another(s: Scenario) -> Scenario:
    with at(ADMITTED - 3 * DAY):
        patient = factories.patient(s.ps.program)
    episode = EpisodeOfCare.objects.get(patient=patient)
    with at(ADMITTED):
        patient_services.episode_admit(actor=SYSTEM, episode=episode, track=s.ps.track)
    return Scenario(s.ps, s.therapist, s.director, patient, episode)


def _course(s: Scenario, intake: Sequence[int], discharge: Sequence[int] | None) -> None:
    with at(ADMITTED):
        record(s, intake)
    with at(END):
        s.episode.refresh_from_db()
        patient_services.episode_discharge(
            actor=SYSTEM, episode=s.episode, reason=DischargeReason.GOALS_MET
        )
        if discharge is not None:
            record(s, discharge, timepoint=Timepoint.DISCHARGE, due_on=END)


def _program_with_outcomes(extra: int = 0) -> Scenario:
    s = scenario()
    _course(s, [3, 3, 3, 2, 2, 2, 2, 2, 0], [1, 1, 0, 0, 0, 0, 1, 0, 0])  # 19 -> 3
    _course(_another(s), PHQ9_MODERATE, [2, 2, 2, 1, 1, 1, 1, 1, 0])  # 10 -> 11
    _course(_another(s), [2, 2, 2, 2, 2, 2, 2, 2, 0], None)  # 16 -> missing
    for _ in range(extra):
        _course(_another(s), [2, 2, 2, 2, 2, 2, 2, 2, 0], [1] * 8 + [0])
    return s


def _billing(s: Scenario, client: Client) -> None:
    factories.login(client, factories.staff(ProgramRole.BILLING_SPECIALIST, s.ps.program))


def _query(s: Scenario) -> dict[str, str]:
    return {
        "program": str(s.ps.program.pk),
        "group_by": "track",
        "start": ADMITTED.isoformat(),
        "end": END.isoformat(),
    }


def test_the_report_counts_pairs_and_missing_scores(client: Client):
    s = _program_with_outcomes()
    with at(REPORT_DAY):
        _billing(s, client)
        page = client.get(reverse("measures:outcomes"), _query(s))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Mean score at intake and at discharge" in body
    overall = page.context["overall"]
    phq9 = next(o for o in overall.instruments if o.instrument.id == "phq9")
    discharge = phq9.comparisons[0]
    assert (discharge.expected, discharge.result.n_pairs) == (3, 2)
    assert (discharge.missing_pre, discharge.missing_post) == (0, 1)
    assert discharge.result.pre.mean == pytest.approx(14.5)
    assert discharge.result.remission == 1  # 19 -> 3
    assert AuditEvent.objects.filter(action="OUTCOMES_REPORT_VIEWED", patient_id=None).exists()


def test_the_report_runs_a_fixed_number_of_queries(client: Client):
    s = _program_with_outcomes()
    with at(REPORT_DAY):
        _billing(s, client)
        client.get(reverse("measures:outcomes"), _query(s))
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("measures:outcomes"), _query(s))
    for _ in range(3):
        _course(_another(s), [2, 2, 2, 2, 2, 2, 2, 2, 0], [1] * 8 + [0])
    with at(REPORT_DAY), CaptureQueriesContext(connection) as many:
        client.get(reverse("measures:outcomes"), _query(s))
    assert len(few) == len(many) == REPORT_QUERIES


def test_the_csv_and_pdf_exports(client: Client):
    s = _program_with_outcomes()
    with at(REPORT_DAY):
        _billing(s, client)
        exported = client.get(reverse("measures:outcomes_csv"), _query(s))
        pdf = client.get(reverse("measures:outcomes_pdf"), _query(s))
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    phq9 = [r for r in rows if r["instrument"] == "PHQ-9" and r["comparison"] == "Discharge"]
    assert {r["group_by"] for r in phq9} == {"all", "track"}
    assert phq9[0]["n_pairs"] == "2"
    assert phq9[0]["missing_followup"] == "1"
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="OUTCOMES_REPORT_EXPORTED").count() == 2


def test_a_reversed_date_range_is_a_form_error(client: Client):
    s = _program_with_outcomes()
    with at(REPORT_DAY):
        _billing(s, client)
        response = client.get(
            reverse("measures:outcomes"),
            {**_query(s), "start": END.isoformat(), "end": ADMITTED.isoformat()},
        )
        exported = client.get(
            reverse("measures:outcomes_csv"),
            {**_query(s), "start": END.isoformat(), "end": ADMITTED.isoformat()},
        )
    assert response.status_code == 400
    assert "on or after its start" in response.content.decode()
    assert exported.status_code == 400


def test_therapists_do_not_see_the_outcomes_report(client: Client):
    s = scenario()
    factories.login(client, s.therapist)
    assert client.get(reverse("measures:outcomes")).status_code == 403


def test_another_programs_outcomes_are_not_selectable(client: Client):
    s = _program_with_outcomes()
    other = factories.program_setup("Other IOP")
    with at(REPORT_DAY):
        factories.login(client, factories.staff(ProgramRole.PROGRAM_DIRECTOR, other.program))
        response = client.get(reverse("measures:outcomes"), _query(s))
    assert response.status_code == 400  # not a choice: the program field refuses it


def test_the_fhir_export_is_a_valid_r4_bundle(client: Client):
    s = scenario()
    with at(ADMITTED):
        record(s, PHQ9_MODERATE)
        factories.login(client, s.therapist)
        response = client.get(reverse("measures:fhir", kwargs={"patient_id": s.patient.pk}))
    bundle = Bundle.model_validate(json.loads(response.content))
    kinds = sorted(e.resource.__resource_type__ for e in bundle.entry or [] if e.resource)
    assert "QuestionnaireResponse" in kinds
    assert "Observation" in kinds
    assert AuditEvent.objects.filter(
        action="PATIENT_MEASURES_EXPORTED", patient_id=s.patient.pk
    ).exists()


def _answers(total: int) -> list[int]:
    """PHQ-9 answers adding up to ``total`` (at most 24) with item 9 kept at 0."""
    items = [min(3, max(0, total - 3 * i)) for i in range(8)]
    return [*items, 0]


# Intake → discharge totals chosen to meet each rule: recovery and remission, no change, a
# reliable worsening, a zero baseline (never a responder), a response that stays clinical, an
# improvement from below the cut-off, the ceiling held, and one missing discharge score.
PAIRS = [(19, 3), (10, 11), (5, 20), (0, 0), (24, 12), (8, 1), (24, 24), (15, 9), (12, 7)]


def test_the_database_counts_pairs_with_exactly_the_engines_rules(client: Client):
    # given: one episode per pair, discharged in the range
    import engines.outcomes as stats

    s = scenario()
    _course(s, _answers(PAIRS[0][0]), _answers(PAIRS[0][1]))
    for pre, post in PAIRS[1:]:
        _course(_another(s), _answers(pre), _answers(post))
    _course(_another(s), _answers(14), None)

    # when
    with at(REPORT_DAY):
        _billing(s, client)
        page = client.get(reverse("measures:outcomes"), _query(s))

    # then: the report's summary equals the engine's pair-by-pair one
    phq9 = next(o for o in page.context["overall"].instruments if o.instrument.id == "phq9")
    discharge = phq9.comparisons[0]
    pairs = [(float(a), float(b)) for a, b in PAIRS]
    assert discharge.result == stats.pre_post("phq9", pairs, stats.NORMS["phq9"])
    assert (discharge.expected, discharge.missing_pre, discharge.missing_post) == (10, 0, 1)


def test_the_page_shows_one_page_of_groups_and_the_downloads_every_group(client, monkeypatch):
    # given: two clinician groups (the therapist, and episodes with no primary therapist)
    from openiop.measures import outcomes

    monkeypatch.setattr(outcomes, "GROUPS_PER_PAGE", 1)
    s = _program_with_outcomes()
    query = {**_query(s), "group_by": "clinician"}

    # when
    with at(REPORT_DAY):
        _billing(s, client)
        first = client.get(reverse("measures:outcomes"), query)
        second = client.get(reverse("measures:outcomes"), {**query, "page": "2"})
        beyond = client.get(reverse("measures:outcomes"), {**query, "page": "99"})
        exported = client.get(reverse("measures:outcomes_csv"), {**query, "page": "2"})

    # then
    labels = [[g.label for g in r.context["groups"]] for r in (first, second, beyond)]
    assert labels == [["Not assigned"], [s.therapist.get_full_name()], labels[1]]
    assert "Page 1 of 2" in first.content.decode()
    assert first.context["overall"].episodes == second.context["overall"].episodes == 3
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert {r["group"] for r in rows} == {"All selected episodes", *labels[0], *labels[1]}


def test_a_page_link_without_filters_shows_the_default_report(client: Client):
    s = _program_with_outcomes()
    with at(REPORT_DAY):
        _billing(s, client)
        page = client.get(reverse("measures:outcomes"), {"page": "2"})
    assert page.status_code == 200
    assert page.context["filters"] is not None
