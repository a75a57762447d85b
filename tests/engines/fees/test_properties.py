"""Property tests: invariants that must hold for any input, not just the hand-picked ones."""

import calendar
from datetime import date
from decimal import ROUND_UP, Decimal
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from engines.fees import (
    Benefits,
    Level,
    LevelCharge,
    Region,
    SlidingScale,
    Tier,
    charge_after_discount,
    default_scale,
    determine,
    estimate_level,
    guideline,
    installments,
    installments_for_amount,
)

# Correctness properties, not timing ones: a loaded CI machine must not fail a slow example.
no_deadline = settings(deadline=None)


def cents(low=0, high=10_000_000):
    return st.integers(low, high).map(lambda c: Decimal(c).scaleb(-2))


percents = st.integers(0, 10_000).map(lambda p: Decimal(p).scaleb(-2))
regions = st.sampled_from(list(Region))


@st.composite
def benefits(draw):
    deductible = draw(cents(0, 1_000_000))
    oop_max = draw(st.none() | cents(0, 2_000_000))
    return Benefits(
        copay_per_day=draw(st.just(Decimal(0)) | cents(1, 50_000)),
        coinsurance_percent=draw(percents),
        deductible=deductible,
        deductible_met=draw(cents(0, int(deductible * 100))),
        out_of_pocket_max=oop_max,
        out_of_pocket_met=draw(cents(0, int(oop_max * 100))) if oop_max is not None else Decimal(0),
        day_limit=draw(st.none() | st.integers(0, 80)),
        days_used=draw(st.integers(0, 100)),
        in_network=draw(st.booleans()),
    )


@st.composite
def scales(draw):
    bounds = sorted(draw(st.sets(st.integers(1, 400), max_size=5)))
    uppers = [Decimal(b) for b in bounds] + [None]
    tiers = []
    for index, upper in enumerate(uppers):
        if draw(st.booleans()):
            tiers.append(Tier(upper, draw(percents), None, f"t{index}"))
        else:
            tiers.append(Tier(upper, None, draw(cents(0, 100_000)), f"t{index}"))
    return SlidingScale(tuple(tiers))


@st.composite
def determinations(draw, scale=None):
    return determine(
        annual_income=draw(cents(0, 30_000_000)),
        household_size=draw(st.integers(1, 12)),
        region=draw(regions),
        year=2026,
        scale=scale if scale is not None else draw(st.just(default_scale()) | scales()),
    )


level_charges = st.builds(
    LevelCharge,
    level=st.sampled_from(list(Level)),
    charge_per_day=cents(0, 200_000),
    days_per_week=st.integers(1, 7),
    weeks=st.integers(1, 12),
)


@given(st.integers(1, 50), regions)
def test_guideline_grows_with_every_person(size, region):
    assert guideline(2026, region, size + 1) > guideline(2026, region, size) > 0


@no_deadline
@given(cents(0, 30_000_000), cents(0, 30_000_000), st.integers(1, 12), regions, scales())
def test_more_income_never_lands_in_a_lower_class(a, b, size, region, scale):
    low, high = sorted((a, b))
    place = [
        determine(annual_income=i, household_size=size, region=region, year=2026, scale=scale)
        for i in (low, high)
    ]

    assert place[0].tier_index <= place[1].tier_index
    assert place[0].percent_of_guideline <= place[1].percent_of_guideline


@no_deadline
@given(cents(), determinations())
def test_a_sliding_discount_never_raises_a_charge(charge, determination):
    owed = charge_after_discount(charge, determination)

    assert Decimal(0) <= owed <= charge
    assert owed == owed.quantize(Decimal("0.01"))


@no_deadline
@given(st.none() | benefits(), level_charges, st.none() | determinations())
def test_money_adds_up(cover, charge, determination):
    estimate = estimate_level(cover, charge, determination)
    split = estimate.breakdown

    assert estimate.patient_pays + estimate.insurer_pays + split.sliding_discount == (
        estimate.total_charge
    )
    assert estimate.patient_pays == (
        split.deductible + split.copays + split.coinsurance + split.uncovered_days_amount
    )
    assert min(estimate.patient_pays, estimate.insurer_pays, split.sliding_discount) >= 0
    if determination is None:
        assert estimate.patient_pays + estimate.insurer_pays == estimate.total_charge


@no_deadline
@given(benefits(), level_charges, st.none() | determinations())
def test_covered_days_never_cost_more_than_the_remaining_out_of_pocket_max(
    cover, charge, determination
):
    estimate = estimate_level(cover, charge, determination)
    split = estimate.breakdown
    covered_share = split.deductible + split.copays + split.coinsurance

    if cover.out_of_pocket_remaining is not None:
        assert covered_share <= cover.out_of_pocket_remaining
    assert split.deductible <= cover.deductible_remaining
    assert estimate.insurer_pays <= charge.charge_per_day * estimate.covered_days


@no_deadline
@given(level_charges, determinations())
def test_self_pay_with_a_sliding_class_never_exceeds_the_full_charge(charge, determination):
    estimate = estimate_level(None, charge, determination)

    assert estimate.patient_pays <= estimate.total_charge
    assert estimate.insurer_pays == 0


@no_deadline
@given(st.none() | benefits(), level_charges, st.none() | determinations(), st.booleans())
def test_more_days_never_cost_less(cover, charge, determination, longer):
    more = (
        LevelCharge(charge.level, charge.charge_per_day, charge.days_per_week, charge.weeks + 1)
        if longer or charge.days_per_week == 7
        else LevelCharge(
            charge.level, charge.charge_per_day, charge.days_per_week + 1, charge.weeks
        )
    )

    before = estimate_level(cover, charge, determination).patient_pays
    after = estimate_level(cover, more, determination).patient_pays

    assert after >= before


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
intervals = st.sampled_from(["month", "two_weeks"])


@given(cents(1, 10_000_000), st.integers(1, 60), dates, intervals)
def test_installments_add_up_in_order_and_are_all_positive(total, count, first_due, every):
    count = min(count, int(total * 100))
    plan = installments(total=total, count=count, first_due=first_due, every=every)

    assert sum(item.amount for item in plan) == total
    assert len(plan) == count
    assert all(item.amount > 0 for item in plan)
    assert all(a.due_on < b.due_on for a, b in pairwise(plan))
    # every installment after the first is the same amount
    assert len({item.amount for item in plan[1:]}) <= 1
    assert plan[0].amount - plan[-1].amount < Decimal("0.01") * count


@given(dates, st.integers(1, 60))
def test_monthly_due_dates_keep_the_anchor_day_or_the_month_end(first_due, count):
    plan = installments(total=Decimal(count), count=count, first_due=first_due, every="month")

    for item in plan:
        month_end = calendar.monthrange(item.due_on.year, item.due_on.month)[1]
        assert item.due_on.day == min(first_due.day, month_end)


@given(cents(1, 10_000_000), cents(1, 10_000_000), dates, intervals)
def test_installments_for_amount_add_up(total, step, first_due, every):
    if total > step * 60:  # keep within 60 installments; the limit has its own table test
        step = (total / 60).quantize(Decimal("0.01"), rounding=ROUND_UP)
    plan = installments_for_amount(
        total=total, amount_per_installment=step, first_due=first_due, every=every
    )

    assert sum(item.amount for item in plan) == total
    assert all(Decimal(0) < item.amount <= step for item in plan)
    assert all(item.amount == step for item in plan[:-1])
    assert all(a.due_on < b.due_on for a, b in pairwise(plan))
