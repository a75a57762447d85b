"""Fee writes: program charges, the sliding fee scale, fee determinations and payment plans.
The math is the engine's; these tests check the adapter stores what the engine returns,
maps its refusals to codes and fields, writes nothing on bad input and never audits income."""

import datetime as dt
import json

import pytest

import engines.fees as fees
from openiop.audit.models import AuditEvent
from openiop.billing import services
from openiop.billing.errors import InstallmentPaid, InvalidInput, PaymentPlanCancelled
from openiop.billing.models import (
    FeeDetermination,
    Installment,
    PaymentPlan,
    ProgramCharge,
    SlidingFeeScale,
)
from openiop.billing.scales import current_guideline_year, default_tiers, tiers_from_json
from openiop.billing.selectors import latest_determination
from tests.billing.scenarios import ADMITTED, DAY, D, at, determine, fee_scale, scenario
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def _codes(excinfo):
    return list(excinfo.value.codes)


def _charges(**overrides):
    rows = {
        "op": services.ChargeInput("op", D("150.00"), 2, 8),
        "iop": services.ChargeInput("iop", D("400.00"), 3, 8),
        "php": services.ChargeInput("php", D("900.00"), 5, 4),
    }
    rows.update(overrides)
    return [r for r in rows.values() if r is not None]


def test_program_charges_are_set_replaced_and_removed():
    s = scenario()
    services.program_charges_set(actor=SYSTEM, program=s.ps.program, charges=_charges())
    services.program_charges_set(
        actor=SYSTEM,
        program=s.ps.program,
        charges=_charges(iop=services.ChargeInput("iop", D("420.00"), 4, 10), op=None),
    )
    rows = {c.level: c for c in ProgramCharge.objects.filter(program=s.ps.program)}
    assert set(rows) == {"iop", "php"}
    assert (rows["iop"].charge_per_day, rows["iop"].days_per_week, rows["iop"].typical_weeks) == (
        D("420.00"),
        4,
        10,
    )
    event = AuditEvent.objects.filter(action="PROGRAM_CHARGES_SET").latest("seq")
    assert (event.category, event.patient_id, event.object_id) == (
        "none",
        None,
        str(s.ps.program.pk),
    )


@pytest.mark.parametrize(
    ("charge", "code", "field"),
    [
        (
            services.ChargeInput("iop", D("400"), 8, 8),
            "days_per_week_out_of_range",
            "iop-days_per_week",
        ),
        (
            services.ChargeInput("iop", D("400"), 0, 8),
            "days_per_week_out_of_range",
            "iop-days_per_week",
        ),
        (services.ChargeInput("iop", D("400"), 3, 53), "weeks_out_of_range", "iop-weeks"),
        (services.ChargeInput("iop", D("-1"), 3, 8), "negative_amount", "iop-charge_per_day"),
        (services.ChargeInput("iop", D("1.001"), 3, 8), "fractional_cents", "iop-charge_per_day"),
        (services.ChargeInput("rtc", D("1"), 3, 8), "unknown_level", ""),
    ],
)
def test_bad_charges_are_refused_by_the_engine_and_nothing_changes(charge, code, field):
    s = scenario()
    with pytest.raises(InvalidInput) as excinfo:
        services.program_charges_set(actor=SYSTEM, program=s.ps.program, charges=[charge])
    assert (excinfo.value.code, excinfo.value.problems[0].field) == (code, field)
    assert not ProgramCharge.objects.exists()


def test_the_default_scale_is_stored_as_exact_strings_and_read_back_unchanged():
    s = scenario()
    scale = fee_scale(s)
    assert scale.tiers[0] == {
        "up_to_percent": "100",
        "discount_percent": "100",
        "flat_fee": None,
        "label": "At or below 100% FPG",
    }
    assert tiers_from_json(SlidingFeeScale.objects.get().tiers) == default_tiers()
    assert AuditEvent.objects.get(action="FEE_SCALE_SET").detail == {
        "effective_from": "2026-01-01",
        "year": 2026,
    }


def _tier(bound, discount, label="x"):
    return fees.Tier(
        None if bound is None else D(bound), None if discount is None else D(discount), None, label
    )


@pytest.mark.parametrize(
    ("tiers", "code", "field"),
    [
        ([], "no_tiers", "tiers"),
        (
            [_tier("150", "50"), _tier("100", "100"), _tier(None, "0")],
            "tiers_not_ascending",
            "tiers[1].up_to_percent",
        ),
        ([_tier("100", "100"), _tier("200", "50")], "last_tier_not_open", "tiers[1].up_to_percent"),
        (
            [_tier("100", "120"), _tier(None, "0")],
            "discount_out_of_range",
            "tiers[0].discount_percent",
        ),
        ([_tier("100", None), _tier(None, "0")], "tier_needs_one_discount", "tiers[0]"),
        (
            [_tier("100", "100", label=" "), _tier(None, "0")],
            "tier_label_required",
            "tiers[0].label",
        ),
    ],
)
def test_a_bad_scale_is_refused_with_the_engines_code_and_path(tiers, code, field):
    s = scenario()
    with pytest.raises(InvalidInput) as excinfo:
        fee_scale(s, tiers=tiers)
    assert (excinfo.value.code, excinfo.value.problems[0].field) == (code, field)
    assert not SlidingFeeScale.objects.exists()


def test_a_scale_needs_a_loaded_guideline_year_and_a_used_scale_is_never_rewritten():
    s = scenario()
    with pytest.raises(InvalidInput) as excinfo:
        fee_scale(s, year=2019)
    assert _codes(excinfo) == ["unknown_guideline_year"]
    fee_scale(s)
    fee_scale(s, tiers=[_tier("100", "100", "Full"), _tier(None, "0", "None")])  # unused: replaced
    assert SlidingFeeScale.objects.count() == 1
    with at(ADMITTED):
        determine(s)
    with pytest.raises(InvalidInput) as used:
        fee_scale(s)
    assert _codes(used) == ["fee_scale_in_use"]
    fee_scale(s, on=ADMITTED + DAY)
    assert SlidingFeeScale.objects.count() == 2


def test_a_determination_stores_the_engines_placement_and_audits_no_income():
    s = scenario(part2=True)
    fee_scale(s)
    with at(ADMITTED):
        row = determine(s, income="40980", size=3, state="il", documents=" 2025 W-2 ")
    # 2026, 3 persons, contiguous: 27,320; 40,980 is exactly 150 % → the 126–150 % class
    assert (row.guideline_amount, row.percent_of_guideline, row.tier_label) == (
        D("27320.00"),
        D("150.00"),
        "126–150% FPG",
    )
    assert (row.discount_percent, row.flat_fee, row.state, row.documents) == (
        D("60"),
        None,
        "IL",
        "2025 W-2",
    )
    assert row.redetermine_on == dt.date(2027, 3, 2)
    event = AuditEvent.objects.get(action="FEE_DETERMINED")
    assert (event.category, event.part2) == ("financial", True)
    assert event.detail == {"tier": "126–150% FPG", "guideline_year": 2026}
    assert "40980" not in json.dumps(event.detail)


@pytest.mark.parametrize(
    ("state", "size", "guideline"),
    [("AK", 1, "19950.00"), ("AK", 3, "34150.00"), ("HI", 2, "24890.00"), ("DC", 1, "15960.00")],
)
def test_alaska_and_hawaii_use_their_own_tables(state, size, guideline):
    s = scenario()
    fee_scale(s)
    with at(ADMITTED):
        row = determine(s, income="10000", size=size, state=state)
    assert row.guideline_amount == D(guideline)


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"income": "-1"}, "negative_income", "annual_income"),
        ({"size": 0}, "household_size_below_one", "household_size"),
        ({"size": -2}, "household_size_below_one", "household_size"),
        ({"state": "PR"}, "territory_not_covered", "state"),
        ({"state": "ZZ"}, "unknown_state", "state"),
        ({"redetermine_on": ADMITTED}, "redetermination_not_future", "redetermine_on"),
    ],
)
def test_bad_household_input_is_refused_and_nothing_is_saved(kwargs, code, field):
    s = scenario()
    fee_scale(s)
    with at(ADMITTED), pytest.raises(InvalidInput) as excinfo:
        determine(s, **kwargs)
    assert (excinfo.value.code, excinfo.value.problems[0].field) == (code, field)
    assert not FeeDetermination.objects.exists()
    assert not AuditEvent.objects.filter(action="FEE_DETERMINED").exists()


def test_a_determination_needs_a_scale_in_force():
    s = scenario()
    fee_scale(s, on=ADMITTED + DAY)  # not yet in force
    with at(ADMITTED), pytest.raises(InvalidInput) as excinfo:
        determine(s)
    assert _codes(excinfo) == ["no_fee_scale"]


def test_the_2025_scale_has_no_alaska_table_and_says_so():
    s = scenario()
    fee_scale(s, year=2025)
    with at(ADMITTED), pytest.raises(InvalidInput) as excinfo:
        determine(s, state="AK")
    assert (excinfo.value.code, excinfo.value.problems[0].field) == ("unknown_guideline", "state")


def test_the_current_guideline_year_is_the_newest_loaded_one_not_after_today():
    assert current_guideline_year(dt.date(2026, 3, 2)) == 2026
    assert current_guideline_year(dt.date(2025, 6, 1)) == 2025
    assert current_guideline_year(dt.date(2030, 1, 1)) == 2026
    assert current_guideline_year(dt.date(2020, 1, 1)) == 2025


def _plan(s, total="1000.00", count=3, frequency="month", first_due=ADMITTED):
    return services.payment_plan_create(
        actor=SYSTEM,
        episode=s.episode,
        created_by=s.billing,
        terms=services.PlanTerms(D(total), count, frequency, first_due),
    )


def test_a_payment_plan_splits_the_total_exactly():
    s = scenario()
    with at(ADMITTED):
        plan = _plan(s, total="1000.00", count=3, first_due=dt.date(2026, 1, 31))
    items = list(plan.installments.order_by("number"))
    assert [i.amount for i in items] == [D("333.34"), D("333.33"), D("333.33")]
    assert [i.due_on for i in items] == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
    ]
    assert sum(i.amount for i in items) == plan.total
    event = AuditEvent.objects.get(action="PAYMENT_PLAN_CREATED")
    assert (event.category, event.detail) == (
        "financial",
        {"installments": 3, "frequency": "month"},
    )


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"total": "0"}, "total_not_positive", "total"),
        ({"total": "-10"}, "total_not_positive", "total"),
        ({"count": 0}, "count_out_of_range", "count"),
        ({"count": 61}, "count_out_of_range", "count"),
        ({"total": "0.02", "count": 3}, "total_too_small_for_count", "count"),
        ({"frequency": "weekly"}, "invalid_choice", "frequency"),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_is_saved(kwargs, code, field):
    s = scenario()
    with at(ADMITTED), pytest.raises(InvalidInput) as excinfo:
        _plan(s, **kwargs)
    assert (excinfo.value.code, excinfo.value.problems[0].field) == (code, field)
    assert not PaymentPlan.objects.exists()
    assert not Installment.objects.exists()


def test_installments_are_paid_once_and_a_cancelled_plan_takes_no_payment():
    s = scenario()
    with at(ADMITTED):
        plan = _plan(s)
        first, second, _ = plan.installments.order_by("number")
        with pytest.raises(InvalidInput) as future:
            services.installment_record_paid(
                actor=SYSTEM, installment=first, paid_on=ADMITTED + DAY
            )
        services.installment_record_paid(actor=SYSTEM, installment=first, paid_on=ADMITTED)
        with pytest.raises(InstallmentPaid):
            services.installment_record_paid(actor=SYSTEM, installment=first, paid_on=ADMITTED)
        services.payment_plan_cancel(actor=SYSTEM, plan=plan)
        with pytest.raises(PaymentPlanCancelled):
            services.payment_plan_cancel(actor=SYSTEM, plan=plan)
        with pytest.raises(PaymentPlanCancelled):
            services.installment_record_paid(actor=SYSTEM, installment=second, paid_on=ADMITTED)
    assert _codes(future) == ["paid_on_future"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.paid_on, second.paid_on) == (ADMITTED, None)
    assert AuditEvent.objects.filter(action="INSTALLMENT_PAID").count() == 1
    assert AuditEvent.objects.filter(action="PAYMENT_PLAN_CANCELLED").count() == 1


def test_a_determination_can_be_redone_and_the_latest_counts():
    s = scenario()
    fee_scale(s)
    with at(ADMITTED):
        determine(s, income="10000")
    with at(ADMITTED + DAY):
        later = determine(s, income="90000", redetermine_on=ADMITTED + 180 * DAY)
    assert latest_determination(s.episode) == later
    assert later.tier_label == "Over 200% FPG"
