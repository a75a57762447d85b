"""The fee pages: determination and payment plans from the tab, who sees the income, the
printable estimate, the authorization alert page and the program fee settings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from openiop.audit.models import AuditEvent
from openiop.billing import services
from openiop.billing.benefits import BenefitValues
from openiop.billing.models import (
    FeeDetermination,
    Installment,
    PaymentPlan,
    ProgramCharge,
    SlidingFeeScale,
)
from tests import factories
from tests.billing.pages import chart, episode_url, estimate_url, prefixed
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
)
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
LOCK = int(connection.vendor == "postgresql")
ALERT_QUERIES = 13 + LOCK


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"annual_income": "-1"}, "must not be negative"),
        ({"household_size": "0"}, "a household has at least one person"),
    ],
)
def test_a_bad_household_is_shown_back_and_nothing_is_saved(client: Client, changes, message):
    s = scenario()
    fee_scale(s)
    with at(ADMITTED):
        factories.login(client, s.billing)
        data = {"household_size": "3", "annual_income": "30000", "state": "IL"} | changes
        response = client.post(episode_url("fee_determine", s), prefixed("determination", data))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FeeDetermination.objects.exists()


def test_determining_the_fee_and_making_a_plan_through_the_tab(client: Client):
    s = scenario()
    fee_scale(s)
    with at(ADMITTED):
        factories.login(client, s.billing)
        determined = client.post(
            episode_url("fee_determine", s),
            prefixed(
                "determination", {"household_size": "2", "annual_income": "20000", "state": "HI"}
            ),
        )
        planned = client.post(
            episode_url("payment_plan_create", s),
            prefixed(
                "plan",
                {
                    "total": "250.00",
                    "count": "2",
                    "frequency": "two_weeks",
                    "first_due": "2026-03-10",
                },
            ),
        )
        plan = PaymentPlan.objects.get()
        first = plan.installments.get(number=1)
        paid = client.post(
            episode_url("installment_paid", s, payment_plan_id=plan.pk, installment_id=first.pk),
            {f"paid-{first.pk}-paid_on": "2026-03-02"},
        )
        cancelled = client.post(episode_url("payment_plan_cancel", s, payment_plan_id=plan.pk))
        page = chart(client, s).content.decode()
    assert [r.status_code for r in (determined, planned, paid, cancelled)] == [302] * 4
    assert FeeDetermination.objects.get().tier_label == "At or below 100% FPG"  # 20,000 < 24,890
    assert [i.amount for i in Installment.objects.order_by("number")] == [D("125.00"), D("125.00")]
    first.refresh_from_db()
    assert first.paid_on == ADMITTED
    assert "Cancelled 2026-03-02" in page
    assert "reported income $20000.00" in page


def test_income_is_shown_only_to_those_who_manage_fees(client: Client):
    s = scenario()
    fee_scale(s)
    with at(ADMITTED):
        determine(s, income="31234")
        factories.login(client, s.therapist)
        body = chart(client, s).content.decode()
    assert "31234" not in body
    assert "% of the 2026 poverty guideline" in body


def test_the_estimate_compares_the_levels_under_the_coverage(client: Client):
    s = scenario()
    services.program_charges_set(
        actor=SYSTEM,
        program=s.ps.program,
        charges=[
            services.ChargeInput("iop", D("400.00"), 3, 8),
            services.ChargeInput("php", D("900.00"), 5, 4),
        ],
    )
    with at(ADMITTED):
        add_coverage(s)
        factories.login(client, s.therapist)
        page = client.get(estimate_url(s))
    body = page.content.decode()
    assert page.status_code == 200
    assert '<th scope="col">IOP</th>' in body
    assert '<th scope="col">PHP</th>' in body
    # IOP: 24 days × 400 = 9,600; deductible 750 left, then 20 % of 8,850 = 1,770 → 2,520
    assert "$9600.00" in body
    assert "$2520.00" in body
    event = AuditEvent.objects.get(action="PATIENT_ESTIMATE_VIEWED")
    assert (event.patient_id, event.category) == (s.patient.pk, "insurance")


def test_the_self_pay_estimate_applies_the_sliding_discount(client: Client):
    s = scenario()
    fee_scale(s)
    services.program_charges_set(
        actor=SYSTEM, program=s.ps.program, charges=[services.ChargeInput("op", D("100.00"), 1, 10)]
    )
    with at(ADMITTED):
        determine(s, income="30000", size=3)  # 109.8 % → 80 % discount
        factories.login(client, s.billing)
        body = client.get(estimate_url(s)).content.decode()
    assert "No current coverage: the estimate is self-pay." in body
    assert "$800.00" in body  # forgiven of 1,000
    assert "$200.00" in body


def test_an_estimate_without_charges_says_so(client: Client):
    s = scenario()
    with at(ADMITTED):
        factories.login(client, s.billing)
        body = client.get(estimate_url(s)).content.decode()
    assert "The program has not set its charges per level of care." in body


def test_the_alert_page_lists_and_audits_each_patient_with_a_fixed_query_count(
    client: Client, django_assert_num_queries
):
    s = scenario()
    url = reverse("billing:authorization_alerts")
    with at(ADMITTED):
        approved(s, add_coverage(s), review=ADMITTED + 3 * DAY)
        factories.login(client, s.billing)
        client.get(url)  # warm the session
        with django_assert_num_queries(ALERT_QUERIES):
            page = client.get(url)
        for _ in range(3):
            other = factories.patient(s.ps.program)
            episode = other.episodes.select_related("program", "patient").get()
            coverage = services.coverage_add(
                actor=SYSTEM,
                episode=episode,
                details=services.PlanDetails(
                    order="primary",
                    payer_name="P",
                    member_id="M",
                    subscriber_name="S",
                    subscriber_relationship="self",
                    effective_from=dt.date(2026, 1, 1),
                ),
                benefits=BenefitValues(),
            )
            request = services.authorization_request(
                actor=SYSTEM,
                episode=episode,
                coverage=coverage,
                requested_by=s.billing,
                level="iop",
                span=services.Span(5, ADMITTED, ADMITTED + 6 * DAY),
            )
            services.authorization_approve(
                actor=SYSTEM,
                authorization=request,
                auth_number="X",
                span=services.Span(5, ADMITTED, ADMITTED + 6 * DAY),
            )
        with django_assert_num_queries(ALERT_QUERIES):
            many = client.get(url)
    assert page.status_code == many.status_code == 200
    assert s.patient.display_name in page.content.decode()
    assert many.content.decode().count("Approval ends on 2026-03-08.") == 3
    listed = AuditEvent.objects.filter(action="PATIENT_LISTED").values_list("patient_id", flat=True)
    assert s.patient.pk in set(listed)


def test_fee_settings_save_charges_and_a_scale(client: Client):
    s = scenario()
    url = reverse("billing:fee_settings", kwargs={"program_id": s.ps.program.pk})
    with at(ADMITTED):
        factories.login(client, s.billing)
        page = client.get(url)
        charges = client.post(
            reverse("billing:charges_set", kwargs={"program_id": s.ps.program.pk}),
            {"iop-charge_per_day": "400", "iop-days_per_week": "3", "iop-typical_weeks": "8"},
        )
        partial = client.post(
            reverse("billing:charges_set", kwargs={"program_id": s.ps.program.pk}),
            {"php-charge_per_day": "900"},
        )
        tiers = {
            "tiers-TOTAL_FORMS": "3",
            "tiers-INITIAL_FORMS": "0",
            "tiers-0-label": "Full",
            "tiers-0-up_to_percent": "100",
            "tiers-0-discount_percent": "100",
            "tiers-1-label": "None",
            "tiers-1-discount_percent": "0",
        }
        scale = client.post(
            reverse("billing:scale_set", kwargs={"program_id": s.ps.program.pk}),
            {"scale-effective_from": "2026-03-02", "scale-guideline_year": "2026", **tiers},
        )
        bad = client.post(
            reverse("billing:scale_set", kwargs={"program_id": s.ps.program.pk}),
            {
                "scale-effective_from": "2026-03-03",
                "scale-guideline_year": "2026",
                **tiers,
                "tiers-1-up_to_percent": "50",
                "tiers-2-label": "Rest",
                "tiers-2-discount_percent": "0",
            },
        )
    assert page.status_code == 200
    assert "At or below 100% FPG" in page.content.decode()  # the default classes to start from
    assert charges.status_code == 302
    assert ProgramCharge.objects.get().charge_per_day == D("400.00")
    assert partial.status_code == 400
    assert "Fill in all three, or leave all blank." in partial.content.decode()
    assert scale.status_code == 302
    assert SlidingFeeScale.objects.get().tiers[1]["label"] == "None"
    assert bad.status_code == 400
    assert "does not exceed the previous tier" in bad.content.decode()


def test_fee_settings_are_for_fee_managers_only(client: Client):
    s = scenario()
    url = reverse("billing:fee_settings", kwargs={"program_id": s.ps.program.pk})
    factories.login(client, s.facilitator)
    assert client.get(url).status_code == 403
    factories.login(client, s.billing)
    assert client.get(reverse("billing:fees_home"))["Location"] == url
