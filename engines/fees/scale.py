"""HRSA-style sliding fee discount schedule and the determination of a household's pay class.

Structure (HRSA Health Center Program Compliance Manual, Chapter 9, "Sliding Fee Discount
Program", https://bphc.hrsa.gov/programrequirements/compliancemanual/chapter-9.html):

* a full discount at or below 100 % of the Federal Poverty Guidelines (FPG), where a nominal
  charge may still be collected if consistent with project goals;
* partial, graduated discounts above 100 % and up to 200 % FPG, based only on income and family
  size;
* no discount above 200 % FPG.

HRSA's example pay classes are 101–125, 126–150, 151–175, 176–200 and over 200 % FPG (four
classes between 101 and 200 %; https://bphc.hrsa.gov/node/1857, footnote 6). The discount in
each class is the program's own configuration, approved by its board: the percentages of
``default_scale`` (100/80/60/40/20/0) are sensible starting values, not a rule. Whether HRSA
requires a minimum number of classes is unconfirmed (clinical.md §7.2 [U]), so nothing here
enforces one; ``hrsa_findings`` reports departures from the required structure without refusing
a scale, because programs outside the Health Center Program may slide differently.

Algorithm (clinical.md §7.2): pct = annual household income / guideline(year, region, size) ×
100; the household's class is the first whose upper bound ≥ pct.

Codes raised: ``no_tiers``, ``tier_bound_not_positive``, ``open_tier_not_last``,
``last_tier_not_open``, ``tiers_not_ascending``, ``tier_needs_one_discount``,
``discount_out_of_range``, ``flat_fee_negative``, ``negative_income`` plus the guideline and
money codes.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from engines.fees.errors import FeeInputError
from engines.fees.guidelines import Region, guideline, parse_region, require_household_size
from engines.fees.money import (
    HUNDRED,
    ZERO,
    percent_of,
    require_decimal,
    require_money,
    require_percent,
)

HRSA_CHAPTER_9 = "https://bphc.hrsa.gov/programrequirements/compliancemanual/chapter-9.html"
HRSA_PAY_CLASSES = "https://bphc.hrsa.gov/node/1857"


@dataclass(frozen=True, slots=True)
class Tier:
    """One pay class: incomes up to and including ``up_to_percent`` % FPG (None: no upper bound)
    pay either the charge less ``discount_percent`` % or a ``flat_fee``; exactly one is set."""

    up_to_percent: Decimal | None
    discount_percent: Decimal | None
    flat_fee: Decimal | None
    label: str


@dataclass(frozen=True, slots=True)
class SlidingScale:
    """An ordered discount schedule. Tiers ascend by bound and the last is open-ended.

    Raises FeeInputError on construction when the tiers break those rules, when a tier has both
    or neither of a discount and a flat fee, a discount outside 0–100 % or a negative flat fee.
    """

    tiers: tuple[Tier, ...]
    source: str = ""

    def __post_init__(self) -> None:
        tiers = tuple(self.tiers)
        # A list passed by a caller would stay mutable inside a "frozen" scale.
        object.__setattr__(self, "tiers", tiers)
        if not tiers:
            raise FeeInputError("no_tiers", "tiers", "a sliding scale needs at least one tier")
        previous: Decimal | None = None
        for index, tier in enumerate(tiers):
            path = f"tiers[{index}]"
            _check_bound(tier, path, previous, is_last=index == len(tiers) - 1)
            _check_discount(tier, path)
            previous = tier.up_to_percent


def _check_bound(tier: Tier, path: str, previous: Decimal | None, *, is_last: bool) -> None:
    bound = tier.up_to_percent
    if bound is None:
        if not is_last:
            raise FeeInputError(
                "open_tier_not_last", f"{path}.up_to_percent", "only the last tier is open-ended"
            )
        return
    bound = require_decimal(bound, f"{path}.up_to_percent")
    if is_last:
        raise FeeInputError(
            "last_tier_not_open",
            f"{path}.up_to_percent",
            "the last tier must be open-ended (None) so every income has a class",
        )
    if bound <= 0:
        raise FeeInputError(
            "tier_bound_not_positive", f"{path}.up_to_percent", "must be above 0 % FPG"
        )
    if previous is not None and bound <= previous:
        raise FeeInputError(
            "tiers_not_ascending",
            f"{path}.up_to_percent",
            f"{bound} % does not exceed the previous tier's {previous} %",
        )


def _check_discount(tier: Tier, path: str) -> None:
    if (tier.discount_percent is None) == (tier.flat_fee is None):
        raise FeeInputError(
            "tier_needs_one_discount", path, "set exactly one of discount_percent and flat_fee"
        )
    if tier.discount_percent is not None:
        require_percent(
            tier.discount_percent, f"{path}.discount_percent", code="discount_out_of_range"
        )
    if tier.flat_fee is not None:
        fee = require_decimal(tier.flat_fee, f"{path}.flat_fee")
        if fee < 0:
            raise FeeInputError("flat_fee_negative", f"{path}.flat_fee", "must not be negative")
        require_money(fee, f"{path}.flat_fee")


def default_scale(nominal_fee: Decimal | None = None) -> SlidingScale:
    """HRSA's example pay classes with 100/80/60/40/20/0 % discounts (program configuration).

    ``nominal_fee`` replaces the full discount at or below 100 % FPG with that flat charge,
    which Chapter 9 permits "where consistent with project goals"; nominal charges are not
    minimum fees or co-pays (https://bphc.hrsa.gov/node/1857, footnote 5).
    """
    full: Tier
    if nominal_fee is None:
        full = Tier(Decimal(100), Decimal(100), None, "At or below 100% FPG")
    else:
        full = Tier(Decimal(100), None, nominal_fee, "At or below 100% FPG (nominal fee)")
    return SlidingScale(
        tiers=(
            full,
            Tier(Decimal(125), Decimal(80), None, "101–125% FPG"),
            Tier(Decimal(150), Decimal(60), None, "126–150% FPG"),
            Tier(Decimal(175), Decimal(40), None, "151–175% FPG"),
            Tier(Decimal(200), Decimal(20), None, "176–200% FPG"),
            Tier(None, Decimal(0), None, "Over 200% FPG"),
        ),
        source=f"Pay classes: {HRSA_PAY_CLASSES} fn. 6; rules: {HRSA_CHAPTER_9}",
    )


@dataclass(frozen=True, slots=True)
class Determination:
    """A household's place on a sliding scale, with what it was computed from.

    ``percent_of_guideline`` is rounded half-up to two places for display; the tier was chosen
    on the exact ratio, so a household one cent over a bound is not counted as at or below it.
    """

    annual_income: Decimal
    household_size: int
    guideline_year: int
    region: Region
    guideline_amount: Decimal
    percent_of_guideline: Decimal
    tier_index: int
    tier: Tier


def determine(
    *,
    annual_income: Decimal,
    household_size: int,
    region: Region | str,
    year: int,
    scale: SlidingScale,
) -> Determination:
    """Place a household on ``scale`` by its income as a percentage of the poverty guideline.

    Income 0 is valid (0 % FPG). Raises FeeInputError ``negative_income`` and the codes of
    ``guideline`` (unknown year/region, household size below one) and of the money checks.
    """
    income = require_decimal(annual_income, "annual_income")
    if income < 0:
        raise FeeInputError("negative_income", "annual_income", "must not be negative")
    income = require_money(income, "annual_income")
    size = require_household_size(household_size)
    parsed = parse_region(region)
    amount = guideline(year, parsed, size)
    # Compare income × 100 with bound × guideline: exact, no division, no rounding at a bound.
    index = next(
        i
        for i, tier in enumerate(scale.tiers)
        if tier.up_to_percent is None or income * HUNDRED <= tier.up_to_percent * amount
    )
    percent = (income * HUNDRED / amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Determination(
        annual_income=income,
        household_size=size,
        guideline_year=year,
        region=parsed,
        guideline_amount=amount,
        percent_of_guideline=percent,
        tier_index=index,
        tier=scale.tiers[index],
    )


def sliding_discount(full_charge: Decimal, tier: Tier) -> Decimal:
    """How much of ``full_charge`` the tier forgives (never more than the charge itself)."""
    charge = require_money(full_charge, "full_charge")
    if tier.flat_fee is not None:
        # A flat (nominal) fee never makes a patient owe more than the undiscounted charge:
        # qualifying for the scale must not cost anyone money.
        return charge - min(tier.flat_fee, charge)
    return percent_of(charge, tier.discount_percent or ZERO)


def charge_after_discount(full_charge: Decimal, determination: Determination) -> Decimal:
    """What the patient owes for ``full_charge`` after the determination's pay class.

    The discount is rounded half-up to cents and subtracted, so discount + amount owed equals
    the charge exactly. Raises FeeInputError on a negative or sub-cent charge.
    """
    charge = require_money(full_charge, "full_charge")
    return charge - sliding_discount(charge, determination.tier)


@dataclass(frozen=True, slots=True)
class Finding:
    """A departure from Chapter 9's required structure; ``code`` is stable."""

    code: str
    tier_index: int | None
    message: str


def hrsa_findings(scale: SlidingScale) -> tuple[Finding, ...]:
    """Where ``scale`` departs from HRSA Chapter 9 (full discount ≤ 100 %, none > 200 %).

    Findings, not errors: the program decides whether it is bound by Chapter 9.
    """
    findings: list[Finding] = []
    bounds = [tier.up_to_percent for tier in scale.tiers]
    for code, limit in (("no_class_ends_at_100", HUNDRED), ("no_class_ends_at_200", 2 * HUNDRED)):
        if limit not in bounds:
            findings.append(Finding(code, None, f"no pay class ends exactly at {limit}% FPG"))
    floor = ZERO  # incomes in a tier are above the previous tier's bound
    for index, tier in enumerate(scale.tiers):
        full = tier.flat_fee is not None or tier.discount_percent == HUNDRED
        if floor < HUNDRED and not full:
            findings.append(
                Finding(
                    "partial_discount_at_or_below_100", index, "≤ 100% FPG needs a full discount"
                )
            )
        discounts = tier.flat_fee is not None or tier.discount_percent != ZERO
        reaches_above_200 = tier.up_to_percent is None or tier.up_to_percent > 2 * HUNDRED
        if reaches_above_200 and discounts:
            findings.append(Finding("discount_above_200", index, "no discount above 200% FPG"))
        floor = tier.up_to_percent or floor
    return tuple(findings)
