from decimal import Decimal

import pytest

from engines.fees import (
    FeeInputError,
    Region,
    SlidingScale,
    Tier,
    charge_after_discount,
    default_scale,
    determine,
    hrsa_findings,
)

D = Decimal
SCALE = default_scale()


def _determine(income, size=4, region=Region.CONTIGUOUS, year=2026, scale=SCALE):
    return determine(
        annual_income=D(income), household_size=size, region=region, year=year, scale=scale
    )


# 2026, 4 persons, contiguous: 100 % = 33,000; 125 % = 41,250; 150 % = 49,500;
# 175 % = 57,750; 200 % = 66,000 (clinical.md §7.1; bounds computed by hand).
@pytest.mark.parametrize(
    ("income", "tier_index", "percent"),
    [
        ("0", 0, "0.00"),
        ("16500", 0, "50.00"),
        ("33000", 0, "100.00"),
        ("33000.01", 1, "100.00"),
        ("33330", 1, "101.00"),
        ("41250", 1, "125.00"),
        ("41250.01", 2, "125.00"),
        ("49500", 2, "150.00"),
        ("49500.01", 3, "150.00"),
        ("57750", 3, "175.00"),
        ("57750.01", 4, "175.00"),
        ("66000", 4, "200.00"),
        ("66000.01", 5, "200.00"),
        ("66330", 5, "201.00"),
        ("1000000", 5, "3030.30"),
    ],
)
def test_pay_class_boundaries_are_inclusive_upper_bounds(income, tier_index, percent):
    result = _determine(income)

    assert result.tier_index == tier_index
    assert result.tier == SCALE.tiers[tier_index]
    assert result.percent_of_guideline == D(percent)
    assert result.guideline_amount == D("33000")


def test_determination_records_what_it_was_computed_from():
    result = _determine("40000", size=2, region="hawaii")

    assert (result.guideline_year, result.region, result.household_size) == (
        2026,
        Region.HAWAII,
        2,
    )
    assert result.guideline_amount == D("24890")
    # 40,000 / 24,890 = 160.707...% -> 160.71, in the 151–175 % class
    assert result.percent_of_guideline == D("160.71")
    assert result.tier.label == "151–175% FPG"


def test_alaska_single_person_at_exactly_200_percent():
    assert _determine("39900", size=1, region="alaska").tier_index == 4
    assert _determine("39900.01", size=1, region="alaska").tier_index == 5


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"income": "-0.01"}, "negative_income", "annual_income"),
        ({"income": "100", "size": 0}, "household_size_below_one", "household_size"),
        ({"income": "100", "year": 2019}, "unknown_guideline_year", "year"),
        ({"income": "100", "region": "puerto_rico"}, "unknown_region", "region"),
        ({"income": "100.001"}, "fractional_cents", "annual_income"),
    ],
)
def test_determine_rejects_bad_input(kwargs, code, field):
    income = kwargs.pop("income")
    with pytest.raises(FeeInputError) as caught:
        _determine(income, **kwargs)

    assert (caught.value.code, caught.value.field) == (code, field)


def test_determine_rejects_float_income():
    with pytest.raises(FeeInputError) as caught:
        determine(
            annual_income=30000.0,  # type: ignore[arg-type]
            household_size=1,
            region=Region.CONTIGUOUS,
            year=2026,
            scale=SCALE,
        )

    assert caught.value.code == "not_a_decimal"


# Default discounts 100/80/60/40/20/0 % on a $259.13 per diem (the CY2024 Medicare hospital
# 3-service IOP rate in clinical.md §1.4, used only as a realistic odd amount).
@pytest.mark.parametrize(
    ("income", "owed"),
    [
        ("20000", "0.00"),  # full discount
        ("40000", "51.83"),  # 80 % off: discount 207.304 -> 207.30
        ("45000", "103.65"),  # 60 % off: discount 155.478 -> 155.48
        ("55000", "155.48"),  # 40 % off: discount 103.652 -> 103.65
        ("60000", "207.30"),  # 20 % off: discount 51.826 -> 51.83
        ("90000", "259.13"),  # no discount
    ],
)
def test_charge_after_discount_on_the_default_scale(income, owed):
    assert charge_after_discount(D("259.13"), _determine(income)) == D(owed)


def test_half_a_cent_of_discount_rounds_up():
    scale = SlidingScale((Tier(None, D(50), None, "half"),))
    # 50 % of 0.05 is 0.025: half-up gives a 0.03 discount (banker's rounding would give 0.02).
    assert charge_after_discount(D("0.05"), _determine("0", scale=scale)) == D("0.02")


def test_nominal_fee_at_or_below_100_percent():
    scale = default_scale(nominal_fee=D("10.00"))
    poor = _determine("10000", scale=scale)

    assert poor.tier.flat_fee == D("10.00")
    assert charge_after_discount(D("259.13"), poor) == D("10.00")
    # A nominal fee never exceeds the charge itself.
    assert charge_after_discount(D("4.00"), poor) == D("4.00")
    assert charge_after_discount(D("259.13"), _determine("40000", scale=scale)) == D("51.83")


def test_charge_after_discount_rejects_a_negative_charge():
    with pytest.raises(FeeInputError) as caught:
        charge_after_discount(D("-1.00"), _determine("0"))

    assert (caught.value.code, caught.value.field) == ("negative_amount", "full_charge")


NO_DISCOUNT = D(0)


def _tier(up_to, discount=NO_DISCOUNT, flat=None, label="t"):
    return Tier(up_to, discount, flat, label)


@pytest.mark.parametrize(
    ("tiers", "code", "field"),
    [
        ((), "no_tiers", "tiers"),
        ((_tier(D(100)),), "last_tier_not_open", "tiers[0].up_to_percent"),
        ((_tier(None), _tier(None)), "open_tier_not_last", "tiers[0].up_to_percent"),
        (
            (_tier(D(150)), _tier(D(125)), _tier(None)),
            "tiers_not_ascending",
            "tiers[1].up_to_percent",
        ),
        (
            (_tier(D(100)), _tier(D(100)), _tier(None)),
            "tiers_not_ascending",
            "tiers[1].up_to_percent",
        ),
        ((_tier(D(0)), _tier(None)), "tier_bound_not_positive", "tiers[0].up_to_percent"),
        (
            (_tier(D(100), D(101)), _tier(None)),
            "discount_out_of_range",
            "tiers[0].discount_percent",
        ),
        ((_tier(D(100), D(-1)), _tier(None)), "discount_out_of_range", "tiers[0].discount_percent"),
        ((_tier(D(100), None, D(-5)), _tier(None)), "flat_fee_negative", "tiers[0].flat_fee"),
        ((_tier(D(100), None, D("0.001")), _tier(None)), "fractional_cents", "tiers[0].flat_fee"),
        ((_tier(D(100), D(50), D(5)), _tier(None)), "tier_needs_one_discount", "tiers[0]"),
        ((_tier(D(100), None, None), _tier(None)), "tier_needs_one_discount", "tiers[0]"),
        ((_tier(100.0), _tier(None)), "not_a_decimal", "tiers[0].up_to_percent"),
    ],
)
def test_scale_validation(tiers, code, field):
    with pytest.raises(FeeInputError) as caught:
        SlidingScale(tiers)

    assert (caught.value.code, caught.value.field) == (code, field)


def test_a_scale_keeps_its_tiers_immutable():
    tiers = [_tier(D(100), D(100)), _tier(None)]
    scale = SlidingScale(tiers)  # type: ignore[arg-type]
    tiers.pop()

    assert isinstance(scale.tiers, tuple)
    assert len(scale.tiers) == 2


def test_default_scale_follows_hrsa_example_classes():
    bounds = [tier.up_to_percent for tier in SCALE.tiers]
    discounts = [tier.discount_percent for tier in SCALE.tiers]

    assert bounds == [D(100), D(125), D(150), D(175), D(200), None]
    assert discounts == [D(100), D(80), D(60), D(40), D(20), D(0)]
    assert "bphc.hrsa.gov/node/1857" in SCALE.source
    assert "chapter-9" in SCALE.source


@pytest.mark.parametrize("nominal", [None, D("10.00")])
def test_default_scales_have_no_hrsa_findings(nominal):
    assert hrsa_findings(default_scale(nominal)) == ()


@pytest.mark.parametrize(
    ("tiers", "codes"),
    [
        (
            (_tier(D(100), D(90)), _tier(D(200), D(50)), _tier(None)),
            ["partial_discount_at_or_below_100"],
        ),
        ((_tier(D(100), D(100)), _tier(D(200), D(50)), _tier(None, D(10))), ["discount_above_200"]),
        (
            (_tier(D(100), D(100)), _tier(D(250), D(50)), _tier(None)),
            ["no_class_ends_at_200", "discount_above_200"],
        ),
        ((_tier(D(150), D(100)), _tier(D(200), D(50)), _tier(None)), ["no_class_ends_at_100"]),
        (
            (_tier(D(100), D(100)), _tier(D(200), D(50)), _tier(None, None, D(5))),
            ["discount_above_200"],
        ),
    ],
)
def test_hrsa_findings(tiers, codes):
    assert [finding.code for finding in hrsa_findings(SlidingScale(tiers))] == codes
