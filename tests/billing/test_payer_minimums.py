"""Payer weekly-hours minimums: the service, the resolver that picks a patient's minimum, the
authorization covering the week, and the program page (CONFIGURE_PROGRAM, other program 404)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openiop.attendance.models import AttendanceStatus
from openiop.attendance.services import attendance_record
from openiop.audit.models import AuditEvent, DataCategory
from openiop.billing.errors import InvalidInput
from openiop.billing.hours import (
    MinimumSource,
    covering_authorizations,
    minimum_for,
    minimums_for,
    payer_key,
)
from openiop.billing.models import PayerHoursMinimum
from openiop.billing.services import coverage_end
from openiop.billing.services.payer_minimums import payer_minimum_remove, payer_minimum_set
from openiop.patients.models import EpisodeOfCare
from tests import factories
from tests.billing.scenarios import (
    ADMITTED,
    DAY,
    D,
    add_coverage,
    approved,
    at,
    scenario,
    sessions_on,
    weekdays,
)
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def _set(program, payer="Prairie Health", hours="12", source="PH policy BH-12 §3"):
    return payer_minimum_set(
        actor=SYSTEM,
        program=program,
        payer_name=payer,
        min_weekly_hours=None if hours is None else D(hours),
        source=source,
    )


# --- service ----------------------------------------------------------------------------------


def test_setting_a_payer_minimum_is_audited_without_a_patient():
    s = scenario()
    row = _set(s.ps.program)
    event = AuditEvent.objects.get(action="PAYER_MINIMUM_SET")
    assert (row.payer_name, row.min_weekly_hours) == ("Prairie Health", D("12"))
    assert event.patient_id is None
    assert event.category == DataCategory.NONE
    assert (event.object_type, event.object_id) == ("program", str(s.ps.program.pk))
    assert event.detail == {
        "payer_name": "Prairie Health",
        "min_weekly_hours": "12.0",
        "previous": None,
    }


def test_the_same_payer_in_other_case_and_spacing_replaces_its_minimum():
    s = scenario()
    first = _set(s.ps.program, hours="12")
    second = _set(s.ps.program, payer="  prairie   HEALTH ", hours="10.5")
    assert second.pk == first.pk
    assert list(PayerHoursMinimum.objects.values_list("payer_name", "min_weekly_hours")) == [
        ("prairie HEALTH", D("10.5"))
    ]
    assert (
        AuditEvent.objects.filter(action="PAYER_MINIMUM_SET").latest("seq").detail["previous"]
        == "12.0"
    )


@pytest.mark.parametrize(
    ("payer", "hours", "source", "code", "field"),
    [
        ("Prairie Health", "-1", "policy", "hours_negative", "min_weekly_hours"),
        ("Prairie Health", "19.5", "policy", "hours_above_program_maximum", "min_weekly_hours"),
        ("Prairie Health", None, "policy", "hours_required", "min_weekly_hours"),
        ("   ", "9", "policy", "payer_name_required", "payer_name"),
        ("Prairie Health", "9", "  ", "source_required", "source"),
        ("Prairie Health", "9.25", "policy", "max_decimal_places", "min_weekly_hours"),
    ],
)
def test_bad_minimums_are_refused_with_a_code_and_nothing_is_written(
    payer, hours, source, code, field
):
    s = scenario()
    with pytest.raises(InvalidInput) as refused:
        _set(s.ps.program, payer=payer, hours=hours, source=source)
    assert refused.value.code == code
    assert refused.value.problems[0].field == field
    assert not PayerHoursMinimum.objects.exists()
    assert not AuditEvent.objects.filter(action="PAYER_MINIMUM_SET").exists()


def test_removing_a_minimum_is_audited():
    s = scenario()
    row = _set(s.ps.program)
    payer_minimum_remove(actor=SYSTEM, minimum=row)
    assert not PayerHoursMinimum.objects.exists()
    event = AuditEvent.objects.get(action="PAYER_MINIMUM_REMOVED")
    assert event.detail == {"payer_name": "Prairie Health", "min_weekly_hours": "12.0"}


# --- resolver -----------------------------------------------------------------------------------


def test_payer_names_compare_ignoring_case_and_spacing():
    assert payer_key("  Prairie   Health ") == payer_key("prairie health")
    assert payer_key("Prairie Health") != payer_key("Prairie Mutual")


def test_without_coverage_the_program_minimum_applies_with_its_source():
    s = scenario()
    _set(s.ps.program)
    found = minimum_for(s.episode, None, PayerHoursMinimum.objects.all())
    assert found.hours == D("9")
    assert found.source is MinimumSource.PROGRAM
    assert "clinical.md §1.1" in found.citation


def test_the_primary_payers_minimum_overrides_the_programs():
    # given: Prairie Health asks 12 h in this program; the patient's primary is Prairie Health
    s = scenario()
    _set(s.ps.program, payer="PRAIRIE HEALTH", hours="12")
    with at(ADMITTED):
        add_coverage(s)
    # when
    found = minimums_for([s.episode])[s.episode.pk]
    # then
    assert (found.hours, found.source, found.payer_name) == (
        D("12"),
        MinimumSource.PAYER,
        "PRAIRIE HEALTH",
    )
    assert found.minutes == 720
    assert found.citation == "PH policy BH-12 §3"


def test_another_programs_payer_minimum_and_a_secondary_or_ended_coverage_do_not_apply():
    s = scenario()
    other = factories.program_setup("Elsewhere")
    _set(other.program, payer="Prairie Health", hours="15")
    _set(s.ps.program, payer="Second Payer", hours="14")
    with at(ADMITTED):
        primary = add_coverage(s)
        add_coverage(s, order="secondary", payer_name="Second Payer", member_id="S-1")
    assert minimums_for([s.episode])[s.episode.pk].source is MinimumSource.PROGRAM
    _set(s.ps.program, payer="Prairie Health", hours="13")
    with at(ADMITTED):
        coverage_end(actor=SYSTEM, episode=s.episode, coverage=primary, effective_to=ADMITTED)
    assert minimums_for([s.episode])[s.episode.pk].hours == D("9")


def test_minimums_for_many_episodes_take_two_queries(django_assert_num_queries):
    scenarios = [scenario() for _ in range(3)]
    with at(ADMITTED):
        for s in scenarios:
            add_coverage(s)
            _set(s.ps.program, hours="11")
    episodes = list(
        EpisodeOfCare.objects.filter(pk__in=[s.episode.pk for s in scenarios]).select_related(
            "program"
        )
    )
    with django_assert_num_queries(2):
        found = minimums_for(episodes)
    assert {m.hours for m in found.values()} == {D("11")}


# --- authorization covering the week -----------------------------------------------------------


def test_the_covering_authorization_reports_units_used_and_remaining():
    # given: 10 units from ADMITTED; sessions on the first four weekdays, the first two
    # attended
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        approved(s, coverage, units=10)
        sessions = sessions_on(s, weekdays(ADMITTED, 4))
    for offset, session in enumerate(sessions[:2]):
        with at(ADMITTED + offset * DAY):
            attendance_record(
                actor=SYSTEM,
                session=session,
                episode=s.episode,
                status=AttendanceStatus.PRESENT,
                by=s.therapist,
            )
    # when: on the third day
    today = ADMITTED + 2 * DAY
    with at(today):
        found = covering_authorizations([s.episode], {s.ps.program.pk: today})[s.episode.pk]
    # then: two attended days and today's scheduled one are used
    assert (found.status.units_used, found.status.units_remaining) == (3, 7)
    assert found.status.state == "active"


def test_an_episode_without_authorization_has_no_row_and_costs_no_service_day_query(
    django_assert_num_queries,
):
    s = scenario()
    with django_assert_num_queries(1):
        assert covering_authorizations([s.episode], {s.ps.program.pk: ADMITTED}) == {}


# --- page ---------------------------------------------------------------------------------------


def _url(program_id: int) -> str:
    return reverse("billing:payer_minimums", kwargs={"program_id": program_id})


def test_the_director_sets_a_minimum_on_the_page(client: Client):
    s = scenario()
    factories.login(client, s.director)
    shown = client.get(_url(s.ps.program.pk))
    saved = client.post(
        _url(s.ps.program.pk),
        {"payer_name": "Prairie Health", "min_weekly_hours": "12", "source": "Policy 7"},
    )
    page = client.get(_url(s.ps.program.pk)).content.decode()
    assert shown.status_code == 200
    assert "9.0 hours a week" in shown.content.decode()
    assert saved.status_code == 302
    assert "Prairie Health" in page
    assert "Policy 7" in page


def test_negative_hours_are_a_form_error_and_nothing_is_saved(client: Client):
    s = scenario()
    factories.login(client, s.director)
    response = client.post(
        _url(s.ps.program.pk),
        {"payer_name": "Prairie Health", "min_weekly_hours": "-3", "source": "Policy 7"},
    )
    assert response.status_code == 400
    assert "Weekly hours cannot be negative." in response.content.decode()
    assert not PayerHoursMinimum.objects.exists()


def test_without_configure_program_the_page_is_forbidden(client: Client):
    s = scenario()
    for user in (s.therapist, s.billing, s.facilitator):
        factories.login(client, user)
        assert client.get(_url(s.ps.program.pk)).status_code == 403


def test_another_programs_director_gets_404_and_the_refusal_is_audited(client: Client):
    s = scenario()
    other = scenario()
    row = _set(s.ps.program)
    factories.login(client, other.director)
    remove = reverse(
        "billing:payer_minimum_remove",
        kwargs={"program_id": s.ps.program.pk, "minimum_id": row.pk},
    )
    assert client.get(_url(s.ps.program.pk)).status_code == 404
    assert client.post(remove).status_code == 404
    assert PayerHoursMinimum.objects.filter(pk=row.pk).exists()
    assert AuditEvent.objects.filter(action="PAYER_MINIMUMS_VIEWED", outcome="denied").exists()


def test_a_minimum_of_another_program_cannot_be_removed_through_ones_own(client: Client):
    s = scenario()
    other = scenario()
    theirs = _set(other.ps.program)
    factories.login(client, s.director)
    remove = reverse(
        "billing:payer_minimum_remove",
        kwargs={"program_id": s.ps.program.pk, "minimum_id": theirs.pk},
    )
    assert client.post(remove).status_code == 404
    assert PayerHoursMinimum.objects.filter(pk=theirs.pk).exists()


def test_the_director_removes_a_minimum(client: Client):
    s = scenario()
    row = _set(s.ps.program)
    factories.login(client, s.director)
    remove = reverse(
        "billing:payer_minimum_remove",
        kwargs={"program_id": s.ps.program.pk, "minimum_id": row.pk},
    )
    assert client.post(remove).status_code == 302
    assert not PayerHoursMinimum.objects.exists()
