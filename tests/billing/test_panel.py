"""The admissions gates (benefits verified, authorization settled) and the panel dict."""

import dataclasses

import pytest
from django.template.loader import render_to_string

from openiop.billing import services
from openiop.billing.panel import authorization_settled, benefits_verified, billing_panel
from openiop.core.errors import NotFound
from tests.billing.scenarios import (
    ADMITTED,
    BENEFITS,
    DAY,
    add_coverage,
    approved,
    at,
    determine,
    fee_scale,
    scenario,
)
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def _verify(s, coverage, active=True):
    return services.benefits_verify(
        actor=SYSTEM,
        episode=s.episode,
        coverage=coverage,
        verified_by=s.billing,
        call=services.CallRecord(method="portal", coverage_active=active),
        benefits=BENEFITS,
    )


def test_benefits_are_verified_by_an_active_verification_of_a_current_coverage():
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        assert not benefits_verified(s.episode)
        _verify(s, coverage, active=False)
        assert not benefits_verified(s.episode)
        _verify(s, coverage)
        assert benefits_verified(s.episode)
        services.coverage_end(
            actor=SYSTEM, episode=s.episode, coverage=coverage, effective_to=ADMITTED
        )
        assert not benefits_verified(s.episode)  # now self-pay, without a determination


def test_a_self_pay_patient_is_verified_by_a_fee_determination():
    s = scenario()
    fee_scale(s)
    with at(ADMITTED):
        assert not benefits_verified(s.episode)
        determine(s)
        assert benefits_verified(s.episode)


def test_a_covered_patient_is_not_verified_by_a_fee_determination_alone():
    s = scenario()
    fee_scale(s)
    with at(ADMITTED):
        add_coverage(s)
        determine(s)
        assert not benefits_verified(s.episode)


def test_authorization_is_settled_for_self_pay_and_plans_without_preauthorization():
    s, t = scenario(), scenario()
    with at(ADMITTED):
        assert authorization_settled(s.episode, ADMITTED) == (True, "")
        add_coverage(t, benefits=dataclasses.replace(BENEFITS, requires_preauthorization=False))
        assert authorization_settled(t.episode, ADMITTED) == (True, "")


def test_authorization_settled_walks_from_none_to_pending_to_denied_to_approved_to_ended():
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        settled, why = authorization_settled(s.episode, ADMITTED)
        assert (settled, why) == (
            False,
            "Prairie Health requires pre-authorization; none has been requested.",
        )
        request = services.authorization_request(
            actor=SYSTEM,
            episode=s.episode,
            coverage=coverage,
            requested_by=s.billing,
            level="iop",
            span=services.Span(5, ADMITTED, ADMITTED + 9 * DAY),
        )
        assert authorization_settled(s.episode, ADMITTED) == (
            False,
            "Pre-authorization requested from Prairie Health; awaiting the payer.",
        )
        services.authorization_deny(actor=SYSTEM, authorization=request, reason="Needs records")
        assert authorization_settled(s.episode, ADMITTED) == (
            False,
            "Prairie Health denied pre-authorization: Needs records",
        )
        last_day = ADMITTED + 9 * DAY
        approved(s, coverage, units=5, ends=last_day)
        assert authorization_settled(s.episode, ADMITTED) == (True, "")
        assert authorization_settled(s.episode, last_day) == (True, "")
    assert authorization_settled(s.episode, last_day + DAY) == (
        False,
        "The last approval ended on 2026-03-11; request an extension.",
    )


def test_the_panel_holds_the_records_gates_and_links_and_renders():
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        _verify(s, coverage)
        approved(s, coverage, review=ADMITTED + 2 * DAY)
        panel = billing_panel(user=s.billing, episode=s.episode)
        html = render_to_string("billing/_panel.html", {"panel": panel})
    assert panel["verified"] is True
    assert panel["settled"] == (True, "")
    assert panel["may"] == {"insurance": True, "fees": True}
    assert panel["billing"].primary == coverage
    assert panel["links"]["chart"] == f"/patients/{s.patient.pk}/insurance/?episode={s.episode.pk}"
    assert "Prairie Health" in html
    assert "Expiring" in html
    assert "Concurrent review due in 2 days." in html


def test_the_panel_refuses_a_user_outside_the_program():
    s, other = scenario(), scenario()
    with at(ADMITTED), pytest.raises(NotFound):
        billing_panel(user=other.billing, episode=s.episode)


def test_a_group_facilitator_sees_the_panel_without_actions():
    s = scenario()
    with at(ADMITTED):
        panel = billing_panel(user=s.facilitator, episode=s.episode)
    assert panel["may"] == {"insurance": False, "fees": False}
