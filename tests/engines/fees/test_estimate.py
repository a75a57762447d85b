from decimal import Decimal

import pytest

from engines.fees import (
    Benefits,
    FeeInputError,
    Level,
    LevelCharge,
    Region,
    compare_levels,
    default_scale,
    determine,
    estimate_level,
)

D = Decimal


def _benefits(**overrides):
    values = {
        "copay_per_day": D("0"),
        "coinsurance_percent": D("20"),
        "deductible": D("1000"),
        "deductible_met": D("200"),
        "out_of_pocket_max": D("3000"),
        "out_of_pocket_met": D("500"),
        "day_limit": None,
        "days_used": 0,
        "in_network": True,
    } | overrides
    return Benefits(**values)


def _class(income):
    """2026, 4 persons, default scale: 40,000 -> 80 % off; 45,000 -> 60 % off."""
    return determine(
        annual_income=D(income),
        household_size=4,
        region=Region.CONTIGUOUS,
        year=2026,
        scale=default_scale(),
    )


def _codes(estimate):
    return [note.code for note in estimate.notes]


def test_deductible_then_coinsurance_until_the_out_of_pocket_max():
    # given: $800 deductible left, $2,500 out-of-pocket left, PHP $700/day for 20 days
    # day 1: deductible 700 | day 2: deductible 100 + 20 % of 600 = 120 (patient total 920)
    # days 3-13: 11 x 140 = 1,540 (total 2,460) | day 14: 40 more reaches 2,500 | then 0
    estimate = estimate_level(_benefits(), LevelCharge(Level.PHP, D("700"), 5, 4))

    assert (estimate.days, estimate.covered_days) == (20, 20)
    assert estimate.total_charge == D("14000.00")
    assert estimate.breakdown.deductible == D("800.00")
    assert estimate.breakdown.coinsurance == D("1700.00")
    assert estimate.breakdown.copays == D("0.00")
    assert estimate.patient_pays == D("2500.00")
    assert estimate.insurer_pays == D("11500.00")
    assert _codes(estimate) == ["deductible_met", "out_of_pocket_max_reached"]
    assert "day 2" in estimate.notes[0].message
    assert "day 14" in estimate.notes[1].message


def test_copay_day_limit_out_of_network_and_sliding_discount_on_uncovered_days():
    # given: $50 copay/day, no deductible, 5 covered days left, 12 IOP days at $300,
    # a 60 %-off sliding class (45,000 for 4 persons is 136 % FPG)
    benefits = _benefits(
        copay_per_day=D("50"),
        deductible=D("0"),
        deductible_met=D("0"),
        out_of_pocket_met=D("0"),
        day_limit=20,
        days_used=15,
        in_network=False,
    )
    estimate = estimate_level(benefits, LevelCharge(Level.IOP, D("300"), 3, 4), _class("45000"))

    # then: 5 x 50 copays; 7 uncovered days x (300 - 180) = 840, 1,260 forgiven
    assert estimate.covered_days == 5
    assert estimate.breakdown.copays == D("250.00")
    assert estimate.breakdown.uncovered_days_amount == D("840.00")
    assert estimate.breakdown.sliding_discount == D("1260.00")
    assert estimate.patient_pays == D("1090.00")
    assert estimate.insurer_pays == D("1250.00")
    assert estimate.total_charge == D("3600.00")
    assert _codes(estimate) == [
        "day_limit_reached",
        "out_of_network",
        "sliding_discount_self_pay_only",
    ]
    assert "7 of 12" in estimate.notes[0].message


def test_self_pay_with_and_without_a_sliding_class():
    charge = LevelCharge(Level.OP, D("150"), 1, 8)

    full = estimate_level(None, charge)
    slid = estimate_level(None, charge, _class("40000"))

    assert (full.patient_pays, full.insurer_pays, full.covered_days) == (D("1200"), D("0"), 0)
    assert _codes(full) == ["self_pay"]
    assert slid.patient_pays == D("240.00")
    assert slid.breakdown.uncovered_days_amount == D("240.00")
    assert slid.breakdown.sliding_discount == D("960.00")
    assert _codes(slid) == ["self_pay", "sliding_discount_applied"]


def test_a_copay_never_exceeds_what_is_left_after_the_deductible():
    # day 1: $250 deductible left absorbs 250 of 300; the $100 copay is capped at the 50 left
    benefits = _benefits(copay_per_day=D("100"), deductible_met=D("750"), out_of_pocket_max=None)
    estimate = estimate_level(benefits, LevelCharge(Level.IOP, D("300"), 2, 1))

    assert estimate.breakdown.deductible == D("250.00")
    assert estimate.breakdown.copays == D("150.00")  # 50 on day 1, 100 on day 2
    assert estimate.insurer_pays == D("200.00")


def test_no_out_of_pocket_limit_and_cent_rounding_of_coinsurance():
    # Medicare-like: no yearly limit, $257 deductible, 20 % coinsurance, $259.13 per diem x 6
    # day 1: 257 deductible + 20 % of 2.13 = 0.426 -> 0.43 | days 2-6: 51.826 -> 51.83 each
    benefits = _benefits(deductible=D("257"), deductible_met=D("0"), out_of_pocket_max=None)
    estimate = estimate_level(benefits, LevelCharge(Level.IOP, D("259.13"), 3, 2))

    assert estimate.breakdown.coinsurance == D("259.58")
    assert estimate.patient_pays == D("516.58")
    assert estimate.insurer_pays == D("1038.20")
    assert "no_out_of_pocket_max" in _codes(estimate)


def test_out_of_pocket_max_can_stop_the_deductible_part_way():
    benefits = _benefits(deductible=D("5000"), deductible_met=D("0"), out_of_pocket_met=D("2000"))
    estimate = estimate_level(benefits, LevelCharge(Level.PHP, D("700"), 5, 1))

    assert estimate.breakdown.deductible == D("1000.00")
    assert estimate.patient_pays == D("1000.00")
    assert _codes(estimate) == ["out_of_pocket_max_reached"]


def test_out_of_pocket_max_already_met():
    benefits = _benefits(out_of_pocket_met=D("3000"))
    estimate = estimate_level(benefits, LevelCharge(Level.IOP, D("300"), 3, 1))

    assert estimate.patient_pays == D("0.00")
    assert estimate.insurer_pays == D("900.00")
    assert "already met" in estimate.notes[0].message


def test_days_used_past_the_limit_leave_no_covered_days():
    benefits = _benefits(day_limit=10, days_used=12)
    estimate = estimate_level(benefits, LevelCharge(Level.IOP, D("300"), 3, 1), _class("40000"))

    assert estimate.covered_days == 0
    assert estimate.insurer_pays == D("0.00")
    assert estimate.patient_pays == D("180.00")  # 3 x 60 after 80 % off
    assert "sliding_discount_applied" in _codes(estimate)


def test_compare_levels_returns_op_iop_php_in_order_from_the_same_benefits():
    charges = [
        LevelCharge(Level.PHP, D("700"), 5, 4),
        LevelCharge("op", D("150"), 1, 12),  # type: ignore[arg-type]  # adapters pass text
        LevelCharge(Level.IOP, D("350"), 3, 6),
    ]

    estimates = compare_levels(_benefits(), charges)

    assert [e.level for e in estimates] == [Level.OP, Level.IOP, Level.PHP]
    # each level starts from the same $800 deductible left
    assert [e.breakdown.deductible for e in estimates] == [D("800.00")] * 3
    assert [e.patient_pays for e in estimates] == [D("1000.00"), D("1900.00"), D("2500.00")]


def test_compare_levels_refuses_a_level_given_twice():
    charges = [LevelCharge(Level.IOP, D("1"), 1, 1), LevelCharge(Level.IOP, D("2"), 1, 1)]

    with pytest.raises(FeeInputError) as caught:
        compare_levels(None, charges)

    assert (caught.value.code, caught.value.field) == ("duplicate_level", "charges[1].level")


def test_benefit_amounts_are_normalized_to_cents():
    benefits = _benefits(deductible=D("1000"), copay_per_day=D("25.5"))

    assert str(benefits.deductible) == "1000.00"
    assert str(benefits.copay_per_day) == "25.50"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"deductible_met": D("1000.01")}, "met_exceeds_total", "benefits.deductible_met"),
        ({"out_of_pocket_met": D("3001")}, "met_exceeds_total", "benefits.out_of_pocket_met"),
        (
            {"coinsurance_percent": D("100.5")},
            "percent_out_of_range",
            "benefits.coinsurance_percent",
        ),
        ({"coinsurance_percent": D("-1")}, "percent_out_of_range", "benefits.coinsurance_percent"),
        ({"copay_per_day": D("-5")}, "negative_amount", "benefits.copay_per_day"),
        ({"deductible": 1000.0}, "not_a_decimal", "benefits.deductible"),
        ({"deductible": D("NaN")}, "not_finite", "benefits.deductible"),
        ({"out_of_pocket_max": D("1.234")}, "fractional_cents", "benefits.out_of_pocket_max"),
        ({"day_limit": -1}, "negative_days", "benefits.day_limit"),
        ({"days_used": -1}, "negative_days", "benefits.days_used"),
        ({"days_used": 1.5}, "not_an_integer", "benefits.days_used"),
        ({"in_network": "yes"}, "not_a_boolean", "benefits.in_network"),
    ],
)
def test_benefits_validation(overrides, code, field):
    with pytest.raises(FeeInputError) as caught:
        _benefits(**overrides)

    assert (caught.value.code, caught.value.field) == (code, field)


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        (("day", D("1"), 1, 1), "unknown_level", "charge.level"),
        ((Level.IOP, D("-1"), 1, 1), "negative_amount", "charge.charge_per_day"),
        ((Level.IOP, D("1"), 0, 1), "days_per_week_out_of_range", "charge.days_per_week"),
        ((Level.IOP, D("1"), 8, 1), "days_per_week_out_of_range", "charge.days_per_week"),
        ((Level.IOP, D("1"), 3, 0), "weeks_out_of_range", "charge.weeks"),
        ((Level.IOP, D("1"), 3, 53), "weeks_out_of_range", "charge.weeks"),
        ((Level.IOP, D("1"), True, 1), "not_an_integer", "charge.days_per_week"),
    ],
)
def test_level_charge_validation(args, code, field):
    with pytest.raises(FeeInputError) as caught:
        LevelCharge(*args)

    assert (caught.value.code, caught.value.field) == (code, field)
