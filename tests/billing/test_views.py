"""The billing chart tab: what it shows to whom, who may post what, the insurance forms
(coverage, verification, authorization) and a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.billing import services
from openiop.billing.benefits import BenefitValues
from openiop.billing.models import Authorization, Coverage, PaymentPlan
from tests import factories
from tests.billing.pages import COVERAGE, chart, episode_url, estimate_url, prefixed
from tests.billing.scenarios import (
    ADMITTED,
    DAY,
    D,
    add_coverage,
    approved,
    at,
    determine,
    fee_scale,
    scenario,
    sessions_on,
    weekdays,
)
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
# PostgreSQL takes the audit chain's advisory lock once per page that writes audit rows.
LOCK = int(connection.vendor == "postgresql")
# However many coverages, verifications, authorizations, service days and plans there are
# (once there is at least one of each: Django skips a prefetch when there is nothing to join).
CHART_QUERIES = 23 + LOCK


def test_the_tab_shows_the_records_and_is_audited(client: Client):
    s = scenario(part2=True)
    with at(ADMITTED):
        coverage = add_coverage(s)
        approved(s, coverage, review=ADMITTED + 2 * DAY)
        factories.login(client, s.billing)
        page = chart(client, s)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Prairie Health" in body
    assert "Expiring" in body
    assert "Concurrent review due in 2 days." in body
    assert "Add a coverage…" in body
    assert "Determine the sliding fee…" in body
    event = AuditEvent.objects.filter(action="PATIENT_INSURANCE_VIEWED").get()
    assert (event.patient_id, event.category, event.part2) == (s.patient.pk, "insurance", True)


def test_a_group_facilitator_views_the_tab_without_forms_and_cannot_post(client: Client):
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        factories.login(client, s.facilitator)
        page = chart(client, s)
        posted = client.post(episode_url("coverage_add", s), prefixed("coverage", COVERAGE))
        verify = client.post(episode_url("benefits_verify", s, coverage_id=coverage.pk), {})
        fee = client.post(episode_url("fee_determine", s), {})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Prairie Health" in body
    assert "Add a coverage…" not in body
    assert "Record a benefits verification…" not in body
    assert "Set up a payment plan…" not in body
    assert (posted.status_code, verify.status_code, fee.status_code) == (403, 403, 403)
    assert Coverage.objects.count() == 1


def test_a_case_manager_handles_insurance_but_not_fees(client: Client):
    s = scenario()
    manager = factories.staff(ProgramRole.CASE_MANAGER, s.ps.program)
    with at(ADMITTED):
        factories.login(client, manager)
        body = chart(client, s).content.decode()
        added = client.post(episode_url("coverage_add", s), prefixed("coverage", COVERAGE))
        fee = client.post(episode_url("fee_determine", s), {})
    assert "Add a coverage…" in body
    assert "Determine the sliding fee…" not in body
    assert added.status_code == 302
    assert fee.status_code == 403


def test_another_programs_billing_specialist_gets_404_everywhere_and_changes_nothing(client):
    s, other = scenario(), scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        auth = approved(s, coverage)
        fee_scale(s)
        plan = services.payment_plan_create(
            actor=SYSTEM,
            episode=s.episode,
            created_by=s.billing,
            terms=services.PlanTerms(D("300"), 3, "month", ADMITTED),
        )
        item = plan.installments.get(number=1)
        factories.login(client, other.billing)
        gets = [
            chart(client, s),
            client.get(estimate_url(s)),
            client.get(reverse("billing:fee_settings", kwargs={"program_id": s.ps.program.pk})),
        ]
        posts = [
            client.post(episode_url("coverage_add", s), prefixed("coverage", COVERAGE)),
            client.post(episode_url("coverage_update", s, coverage_id=coverage.pk), {}),
            client.post(
                episode_url("coverage_end", s, coverage_id=coverage.pk),
                {f"end-{coverage.pk}-effective_to": "2026-03-02"},
            ),
            client.post(episode_url("benefits_verify", s, coverage_id=coverage.pk), {}),
            client.post(episode_url("authorization_request", s), {}),
            client.post(episode_url("authorization_approve", s, authorization_id=auth.pk), {}),
            client.post(episode_url("authorization_deny", s, authorization_id=auth.pk), {}),
            client.post(episode_url("fee_determine", s), {}),
            client.post(episode_url("payment_plan_create", s), {}),
            client.post(episode_url("payment_plan_cancel", s, payment_plan_id=plan.pk), {}),
            client.post(
                episode_url("installment_paid", s, payment_plan_id=plan.pk, installment_id=item.pk),
                {f"paid-{item.pk}-paid_on": "2026-03-02"},
            ),
            client.post(reverse("billing:charges_set", kwargs={"program_id": s.ps.program.pk}), {}),
            client.post(reverse("billing:scale_set", kwargs={"program_id": s.ps.program.pk}), {}),
        ]
    assert [r.status_code for r in gets] == [404] * len(gets)
    assert [r.status_code for r in posts] == [404] * len(posts)
    coverage.refresh_from_db()
    plan.refresh_from_db()
    item.refresh_from_db()
    assert (coverage.ended_at, plan.cancelled_at, item.paid_on) == (None, None, None)
    assert Coverage.objects.count() == 1
    denied = AuditEvent.objects.filter(outcome="denied")
    assert denied.count() == len(gets) + len(posts)
    assert not denied.exclude(patient_id=None).exists()


def test_a_child_record_under_the_wrong_parent_is_a_404(client: Client):
    s = scenario()
    other = factories.patient(s.ps.program)
    with at(ADMITTED):
        theirs = services.coverage_add(
            actor=SYSTEM,
            episode=other.episodes.select_related("program").get(),
            details=services.PlanDetails(
                order="primary",
                payer_name="Theirs",
                member_id="T",
                subscriber_name="T",
                subscriber_relationship="self",
                effective_from=dt.date(2026, 1, 1),
            ),
            benefits=BenefitValues(),
        )
        factories.login(client, s.billing)
        response = client.post(
            episode_url("coverage_end", s, coverage_id=theirs.pk),
            {f"end-{theirs.pk}-effective_to": "2026-03-02"},
        )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.ended_at is None


def test_adding_a_coverage_through_the_tab(client: Client):
    s = scenario()
    with at(ADMITTED):
        factories.login(client, s.billing)
        response = client.post(episode_url("coverage_add", s), prefixed("coverage", COVERAGE))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/insurance/?episode={s.episode.pk}")
    coverage = Coverage.objects.get()
    assert (coverage.payer_name, coverage.in_network, coverage.out_of_pocket_max) == (
        "Prairie Health",
        True,
        D("4000.00"),
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"effective_to": "2025-12-31"}, "The coverage cannot end before it starts."),
        ({"deductible_met": "1500"}, "The deductible met cannot exceed the deductible."),
        ({"coinsurance_percent": "120"}, "Enter 0 to 100 %."),
        (
            {"out_of_pocket_met": "5000"},
            "The out-of-pocket amount met cannot exceed the out-of-pocket maximum.",
        ),
    ],
)
def test_a_bad_coverage_is_shown_back_with_the_reason(client: Client, changes, message):
    s = scenario()
    with at(ADMITTED):
        factories.login(client, s.billing)
        response = client.post(
            episode_url("coverage_add", s), prefixed("coverage", COVERAGE | changes)
        )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Coverage.objects.exists()


def test_requesting_approving_and_extending_through_the_tab(client: Client):
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        factories.login(client, s.billing)
        bad = client.post(
            episode_url("authorization_request", s),
            prefixed(
                "authorization",
                {
                    "coverage": coverage.pk,
                    "level": "iop",
                    "units": "0",
                    "requested_from": "2026-03-10",
                    "requested_to": "2026-03-02",
                },
            ),
        )
        good = client.post(
            episode_url("authorization_request", s),
            prefixed(
                "authorization",
                {
                    "coverage": coverage.pk,
                    "level": "iop",
                    "units": "12",
                    "requested_from": "2026-03-02",
                    "requested_to": "2026-03-29",
                },
            ),
        )
        auth = Authorization.objects.get()
        outside = client.post(
            episode_url("authorization_approve", s, authorization_id=auth.pk),
            prefixed(
                f"approve-{auth.pk}",
                {
                    "auth_number": "A9",
                    "approved_units": "12",
                    "approved_from": "2026-03-02",
                    "approved_to": "2026-03-29",
                    "next_review_on": "2026-04-15",
                },
            ),
        )
        approve = client.post(
            episode_url("authorization_approve", s, authorization_id=auth.pk),
            prefixed(
                f"approve-{auth.pk}",
                {
                    "auth_number": "A9",
                    "approved_units": "12",
                    "approved_from": "2026-03-02",
                    "approved_to": "2026-03-29",
                    "next_review_on": "2026-03-16",
                },
            ),
        )
        again = client.post(
            episode_url("authorization_deny", s, authorization_id=auth.pk),
            {f"deny-{auth.pk}-denied_reason": "late"},
            follow=True,
        )
        page = chart(client, s).content.decode()
    assert bad.status_code == 400
    bad_body = bad.content.decode()
    assert "Enter at least one unit (one unit is one service day)." in bad_body
    assert "The end date is before the start date." in bad_body
    assert good.status_code == 302
    assert outside.status_code == 400
    assert "The review date must fall within the approved dates." in outside.content.decode()
    assert approve.status_code == 302
    assert "already recorded" in again.content.decode()
    auth.refresh_from_db()
    assert (auth.auth_number, auth.denied_reason) == ("A9", "")
    assert "Request an extension or a new authorization…" in page
    assert 'value="2026-03-30"' in page  # the extension starts the day after the approval


def test_verifying_benefits_through_the_tab(client: Client):
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        factories.login(client, s.billing)
        page = chart(client, s).content.decode()
        data = {
            k: v
            for k, v in COVERAGE.items()
            if k
            not in {
                "order",
                "payer_name",
                "member_id",
                "subscriber_name",
                "subscriber_relationship",
                "effective_from",
                "effective_to",
            }
        }
        data |= {
            "method": "phone",
            "payer_reference": "CALL-1",
            "coverage_active": "on",
            "deductible_met": "300",
        }
        response = client.post(
            episode_url("benefits_verify", s, coverage_id=coverage.pk),
            prefixed(f"verify-{coverage.pk}", data),
        )
    assert f'name="verify-{coverage.pk}-deductible_met" value="250.00"' in page  # pre-filled
    assert response.status_code == 302
    verification = coverage.verifications.get()
    assert (verification.verified_by, verification.payer_reference) == (s.billing, "CALL-1")
    coverage.refresh_from_db()
    assert coverage.deductible_met == D("300.00")


def test_the_tab_runs_a_fixed_number_of_queries(client: Client, django_assert_num_queries):
    s = scenario()
    fee_scale(s)
    with at(ADMITTED):
        primary = _fill_once(s)
        factories.login(client, s.billing)
        chart(client, s)  # warm the session
        with django_assert_num_queries(CHART_QUERIES):
            assert chart(client, s).status_code == 200
        _fill_more(s, primary)
        with django_assert_num_queries(CHART_QUERIES):
            assert chart(client, s).status_code == 200
    assert Authorization.objects.count() == 4
    assert PaymentPlan.objects.count() == 3


def _verify(s, coverage):
    services.benefits_verify(
        actor=SYSTEM,
        episode=s.episode,
        coverage=coverage,
        verified_by=s.billing,
        call=services.CallRecord(method="phone", coverage_active=True),
        benefits=BenefitValues(),
    )


def _plan(s, total):
    services.payment_plan_create(
        actor=SYSTEM,
        episode=s.episode,
        created_by=s.billing,
        terms=services.PlanTerms(D(total), 3, "month", ADMITTED),
    )


def _fill_once(s):
    """One of everything the tab lists."""
    primary = add_coverage(s)
    _verify(s, primary)
    approved(s, primary, units=5, ends=ADMITTED + 9 * DAY)
    sessions_on(s, weekdays(ADMITTED, 1))
    determine(s)
    _plan(s, "300")
    return primary


def _fill_more(s, primary):
    secondary = add_coverage(s, order="secondary", payer_name="Second")
    for coverage in (primary, secondary):
        _verify(s, coverage)
    approved(s, primary, units=5, starts=ADMITTED + 10 * DAY, ends=ADMITTED + 19 * DAY)
    approved(s, secondary, units=5, starts=ADMITTED + 10 * DAY, ends=ADMITTED + 19 * DAY)
    services.authorization_request(
        actor=SYSTEM,
        episode=s.episode,
        coverage=primary,
        requested_by=s.billing,
        level="iop",
        span=services.Span(5, ADMITTED + 20 * DAY, ADMITTED + 29 * DAY),
    )
    sessions_on(s, weekdays(ADMITTED + DAY, 8))
    determine(s, income="90000")
    for total in ("600", "900"):
        _plan(s, total)
