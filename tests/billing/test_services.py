"""Insurance writes: coverages, benefits verifications, pre-authorizations. Every bad input
gets its code and leaves nothing behind; every write is audited in its transaction."""

import dataclasses
import datetime as dt

import pytest

from openiop.audit.models import AuditEvent
from openiop.billing import services
from openiop.billing.authorizations import AuthState, derive, terms_of
from openiop.billing.errors import AuthorizationDecided, CoverageEnded, InvalidInput
from openiop.billing.models import Authorization, BenefitsVerification, Coverage
from tests.billing.scenarios import (
    ADMITTED,
    BENEFITS,
    DAY,
    D,
    add_coverage,
    approved,
    at,
    details,
    scenario,
)
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def _codes(excinfo):
    return list(excinfo.value.codes)


def test_a_coverage_is_added_and_audited_as_insurance_with_part2():
    s = scenario(part2=True)
    with at(ADMITTED):
        coverage = add_coverage(s)
    assert coverage.patient_id == s.patient.pk
    assert coverage.coinsurance_percent == D("20.00")
    event = AuditEvent.objects.get(action="COVERAGE_ADDED")
    assert (event.category, event.patient_id, event.part2, event.object_id) == (
        "insurance",
        s.patient.pk,
        True,
        str(coverage.pk),
    )


@pytest.mark.parametrize(
    ("plan", "benefits", "codes"),
    [
        (
            {"effective_from": dt.date(2026, 6, 1), "effective_to": dt.date(2026, 5, 31)},
            {},
            ["coverage_dates_reversed"],
        ),
        ({}, {"deductible_met": D("1000.01")}, ["deductible_met_exceeds_deductible"]),
        ({}, {"out_of_pocket_met": D("4000.01")}, ["out_of_pocket_met_exceeds_max"]),
        ({}, {"coinsurance_percent": D("100.01")}, ["coinsurance_out_of_range"]),
        ({}, {"coinsurance_percent": D("-1")}, ["coinsurance_out_of_range"]),
        ({}, {"copay_per_day": D("-5.00")}, ["amount_negative"]),
        ({}, {"deductible": D("10.005"), "deductible_met": D("0")}, ["amount_fractional_cents"]),
        ({}, {"days_used": -1}, ["days_out_of_range"]),
        ({"payer_name": "  "}, {}, ["required"]),
        (
            {"effective_to": dt.date(2025, 1, 1)},
            {"deductible_met": D("2000"), "coinsurance_percent": D("150")},
            [
                "coverage_dates_reversed",
                "coinsurance_out_of_range",
                "deductible_met_exceeds_deductible",
            ],
        ),
    ],
)
def test_bad_coverage_input_is_refused_with_codes_and_nothing_is_written(plan, benefits, codes):
    s = scenario()
    before = AuditEvent.objects.count()
    with at(ADMITTED), pytest.raises(InvalidInput) as excinfo:
        add_coverage(s, benefits=dataclasses.replace(BENEFITS, **benefits), **plan)
    assert _codes(excinfo) == codes
    assert not Coverage.objects.exists()
    assert AuditEvent.objects.count() == before


def test_one_current_coverage_per_order_until_it_is_ended():
    s = scenario()
    with at(ADMITTED):
        primary = add_coverage(s)
        with pytest.raises(InvalidInput) as excinfo:
            add_coverage(s, payer_name="Other Payer")
        assert _codes(excinfo) == ["coverage_order_taken"]
        add_coverage(s, order="secondary", payer_name="Second Payer")
        services.coverage_end(
            actor=SYSTEM, episode=s.episode, coverage=primary, effective_to=ADMITTED
        )
        replacement = add_coverage(s, payer_name="New Payer", effective_from=ADMITTED + DAY)
    assert Coverage.objects.filter(ended_at=None).count() == 2
    assert replacement.order == "primary"


def test_updating_benefits_audits_the_changed_field_names_and_not_the_amounts():
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        changed = dataclasses.replace(BENEFITS, deductible_met=D("600.00"), days_used=4)
        services.coverage_update_benefits(
            actor=SYSTEM, episode=s.episode, coverage=coverage, benefits=changed
        )
    coverage.refresh_from_db()
    assert (coverage.deductible_met, coverage.days_used) == (D("600.00"), 4)
    event = AuditEvent.objects.get(action="COVERAGE_UPDATED")
    assert event.detail == {"fields": ["deductible_met", "days_used"]}


def test_inconsistent_benefits_leave_the_coverage_as_it_was():
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        with pytest.raises(InvalidInput):
            services.coverage_update_benefits(
                actor=SYSTEM,
                episode=s.episode,
                coverage=coverage,
                benefits=dataclasses.replace(BENEFITS, deductible_met=D("5000")),
            )
    coverage.refresh_from_db()
    assert coverage.deductible_met == D("250.00")
    assert not AuditEvent.objects.filter(action="COVERAGE_UPDATED").exists()


def test_ending_a_coverage():
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        with pytest.raises(InvalidInput) as reversed_end:
            services.coverage_end(
                actor=SYSTEM,
                episode=s.episode,
                coverage=coverage,
                effective_to=dt.date(2025, 12, 31),
            )
        with pytest.raises(InvalidInput) as extended:
            services.coverage_end(
                actor=SYSTEM, episode=s.episode, coverage=coverage, effective_to=dt.date(2027, 1, 1)
            )
        services.coverage_end(
            actor=SYSTEM, episode=s.episode, coverage=coverage, effective_to=ADMITTED
        )
        with pytest.raises(CoverageEnded):
            services.coverage_end(
                actor=SYSTEM, episode=s.episode, coverage=coverage, effective_to=ADMITTED
            )
        with pytest.raises(CoverageEnded):
            services.coverage_update_benefits(
                actor=SYSTEM, episode=s.episode, coverage=coverage, benefits=BENEFITS
            )
    assert _codes(reversed_end) == ["coverage_dates_reversed"]
    assert _codes(extended) == ["coverage_end_after_term"]
    coverage.refresh_from_db()
    assert coverage.effective_to == ADMITTED
    assert coverage.ended_at is not None
    assert AuditEvent.objects.filter(action="COVERAGE_ENDED").count() == 1


def _verify(s, coverage, benefits=BENEFITS, method="phone"):
    return services.benefits_verify(
        actor=SYSTEM,
        episode=s.episode,
        coverage=coverage,
        verified_by=s.billing,
        call=services.CallRecord(method=method, coverage_active=True, payer_reference=" REF-9 "),
        benefits=benefits,
    )


def test_a_verification_stamps_who_and_when_snapshots_and_updates_the_coverage():
    s = scenario()
    confirmed = dataclasses.replace(BENEFITS, deductible_met=D("400.00"), copay_per_day=D("35"))
    with at(ADMITTED):
        coverage = add_coverage(s)
        verification = _verify(s, coverage, confirmed)
    assert verification.verified_by == s.billing
    assert verification.verified_at == dt.datetime(2026, 3, 2, 18, tzinfo=dt.UTC)
    assert verification.payer_reference == "REF-9"
    assert verification.confirmed["deductible_met"] == "400.00"
    assert verification.confirmed["copay_per_day"] == "35"
    assert verification.confirmed["out_of_pocket_max"] == "4000.00"
    coverage.refresh_from_db()
    assert (coverage.deductible_met, coverage.copay_per_day) == (D("400.00"), D("35.00"))
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["BENEFITS_VERIFIED", "COVERAGE_UPDATED"]
    # a later change to the coverage never rewrites what was confirmed
    with at(ADMITTED + DAY):
        services.coverage_update_benefits(
            actor=SYSTEM, episode=s.episode, coverage=coverage, benefits=BENEFITS
        )
    verification.refresh_from_db()
    assert verification.confirmed["deductible_met"] == "400.00"


def test_a_verification_with_bad_values_writes_nothing():
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        with pytest.raises(InvalidInput) as excinfo:
            _verify(
                s,
                coverage,
                dataclasses.replace(BENEFITS, out_of_pocket_met=D("9999")),
                method="fax",
            )
    assert _codes(excinfo) == ["invalid_choice", "out_of_pocket_met_exceeds_max"]
    assert not BenefitsVerification.objects.exists()
    coverage.refresh_from_db()
    assert coverage.out_of_pocket_met == D("250.00")


def _request(s, coverage, units=10, starts=ADMITTED, ends=ADMITTED + 27 * DAY, level="iop"):
    return services.authorization_request(
        actor=SYSTEM,
        episode=s.episode,
        coverage=coverage,
        requested_by=s.billing,
        level=level,
        span=services.Span(units, starts, ends),
    )


def test_a_request_is_pending_until_the_payer_answers():
    s = scenario()
    with at(ADMITTED):
        request = _request(s, add_coverage(s))
    assert derive(terms_of(request), [], ADMITTED).state is AuthState.PENDING
    event = AuditEvent.objects.get(action="AUTHORIZATION_REQUESTED")
    assert event.detail == {"level": "iop", "units": 10}


@pytest.mark.parametrize(
    ("units", "starts", "ends", "codes"),
    [
        (10, ADMITTED, ADMITTED - DAY, ["authorization_dates_reversed"]),
        (0, ADMITTED, ADMITTED + 9 * DAY, ["authorization_units_not_positive"]),
        (-3, ADMITTED, ADMITTED + 9 * DAY, ["authorization_units_not_positive"]),
        (
            -3,
            ADMITTED,
            ADMITTED - DAY,
            ["authorization_units_not_positive", "authorization_dates_reversed"],
        ),
        (11, ADMITTED, ADMITTED + 9 * DAY, ["authorization_units_exceed_days"]),
        (5, dt.date(2025, 12, 30), dt.date(2026, 1, 10), ["authorization_outside_coverage"]),
        (5, dt.date(2026, 12, 28), dt.date(2027, 1, 10), ["authorization_outside_coverage"]),
    ],
)
def test_a_bad_request_is_refused_with_its_codes_and_nothing_is_written(units, starts, ends, codes):
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        with pytest.raises(InvalidInput) as excinfo:
            _request(s, coverage, units, starts, ends)
    assert _codes(excinfo) == codes
    assert not Authorization.objects.exists()
    assert not AuditEvent.objects.filter(action="AUTHORIZATION_REQUESTED").exists()


def test_a_request_needs_a_current_coverage_of_this_patient_and_a_level():
    s, other = scenario(), scenario()
    with at(ADMITTED):
        ended = add_coverage(s)
        services.coverage_end(
            actor=SYSTEM, episode=s.episode, coverage=ended, effective_to=dt.date(2026, 12, 31)
        )
        theirs = add_coverage(other)
        for coverage in (ended, theirs):
            with pytest.raises(InvalidInput) as excinfo:
                _request(s, coverage, level="inpatient")
            assert _codes(excinfo) == ["coverage_not_current", "invalid_choice"]
    assert not Authorization.objects.exists()


def _approve(
    request, units=10, starts=ADMITTED, ends=ADMITTED + 27 * DAY, review=None, number="A-77"
):
    return services.authorization_approve(
        actor=SYSTEM,
        authorization=request,
        auth_number=number,
        span=services.Span(units, starts, ends),
        next_review_on=review,
    )


def test_an_approval_is_recorded_and_audited():
    s = scenario()
    with at(ADMITTED):
        request = _request(s, add_coverage(s))
        _approve(request, units=8, review=ADMITTED + 13 * DAY, number=" A-77 ")
    request.refresh_from_db()
    assert (request.auth_number, request.approved_units, request.next_review_on) == (
        "A-77",
        8,
        ADMITTED + 13 * DAY,
    )
    assert derive(terms_of(request), [], ADMITTED).state is AuthState.ACTIVE
    assert AuditEvent.objects.get(action="AUTHORIZATION_APPROVED").detail == {
        "units": 8,
        "approved_to": "2026-03-29",
    }


@pytest.mark.parametrize(
    ("kwargs", "codes"),
    [
        ({"starts": dt.date(2025, 12, 1)}, ["authorization_outside_coverage"]),
        ({"ends": dt.date(2027, 2, 1)}, ["authorization_outside_coverage"]),
        ({"review": ADMITTED + 28 * DAY}, ["review_outside_approval"]),
        ({"review": ADMITTED - DAY}, ["review_outside_approval"]),
        ({"number": " "}, ["auth_number_required"]),
        ({"units": 0}, ["authorization_units_not_positive"]),
        ({"ends": ADMITTED - DAY}, ["authorization_dates_reversed"]),
    ],
)
def test_a_bad_approval_is_refused_and_the_request_stays_pending(kwargs, codes):
    s = scenario()
    with at(ADMITTED):
        request = _request(s, add_coverage(s))
        with pytest.raises(InvalidInput) as excinfo:
            _approve(request, **kwargs)
    assert _codes(excinfo) == codes
    request.refresh_from_db()
    assert request.decided_at is None
    assert request.auth_number == ""


def test_a_denial_needs_its_reason_and_a_request_is_answered_once():
    s = scenario()
    with at(ADMITTED):
        request = _request(s, add_coverage(s))
        with pytest.raises(InvalidInput) as excinfo:
            services.authorization_deny(actor=SYSTEM, authorization=request, reason="  ")
        services.authorization_deny(
            actor=SYSTEM, authorization=request, reason="Not medically necessary"
        )
        with pytest.raises(AuthorizationDecided):
            _approve(request)
        with pytest.raises(AuthorizationDecided):
            services.authorization_deny(actor=SYSTEM, authorization=request, reason="again")
    assert _codes(excinfo) == ["denial_reason_required"]
    request.refresh_from_db()
    assert derive(terms_of(request), [], ADMITTED).state is AuthState.DENIED
    assert AuditEvent.objects.filter(action="AUTHORIZATION_DENIED").count() == 1
    assert not AuditEvent.objects.filter(action="AUTHORIZATION_APPROVED").exists()


def test_an_extension_is_a_new_request_after_the_first_approval():
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        approved(s, coverage, ends=ADMITTED + 27 * DAY)
        second = _request(s, coverage, starts=ADMITTED + 28 * DAY, ends=ADMITTED + 55 * DAY)
    assert Authorization.objects.count() == 2
    assert second.decided_at is None


def test_plan_details_are_trimmed():
    s = scenario()
    with at(ADMITTED):
        coverage = services.coverage_add(
            actor=SYSTEM,
            episode=s.episode,
            details=details(payer_name="  Prairie  ", member_id=" X1 "),
            benefits=BENEFITS,
        )
    assert (coverage.payer_name, coverage.member_id) == ("Prairie", "X1")
