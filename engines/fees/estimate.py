"""Out-of-pocket estimate for OP, IOP and PHP under a patient's coverage.

Each level is walked day by day from the same starting benefits: the levels are alternatives
being compared, not consecutive episodes. For each attended day:

1. Days past the plan's day limit are not covered: the patient owes the full per-diem, which
   does not count toward the deductible or the out-of-pocket maximum (HealthCare.gov: spending
   on services the plan does not cover is outside the out-of-pocket limit,
   https://www.healthcare.gov/glossary/out-of-pocket-maximum-limit/).
2. On a covered day the remaining deductible absorbs the charge first: the patient pays for
   covered services until the deductible is met (https://www.healthcare.gov/glossary/deductible/).
3. Whatever remains of the day's charge carries a copayment, a fixed amount per day, when the plan
   has one (https://www.healthcare.gov/glossary/co-payment/), otherwise coinsurance: the
   patient's percentage of the allowed amount after the deductible
   (https://www.healthcare.gov/glossary/co-insurance/). A copayment never exceeds the remainder.
4. The patient's total for covered days (deductible + copayments + coinsurance) stops growing
   at the remaining out-of-pocket maximum; from then the plan pays 100 % of covered days
   (https://www.healthcare.gov/glossary/out-of-pocket-maximum-limit/).

A sliding-fee determination applies only to what the patient owes as self-pay: every day when
there is no coverage, and days past the day limit. It does not reduce the deductible, copayments
or coinsurance of covered days. The sliding discount is the program's write-off of what the
patient owes it, never a change to the payer's share (HRSA Compliance Manual ch. 9: the
schedule of discounts applies to the patient's payment of the program's fees, adjusted by the
patient's ability to pay,
https://bphc.hrsa.gov/programrequirements/compliancemanual/chapter-9.html). Whether an insured
patient's cost sharing may also be reduced depends on the payer contract, so the estimate notes
it and leaves it to the program.

Money identity of every estimate: patient_pays + insurer_pays + breakdown.sliding_discount ==
total_charge, with the sliding discount 0 when no determination is given.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from engines.fees.coverage import Benefits, Level, LevelCharge
from engines.fees.errors import FeeInputError
from engines.fees.money import ZERO, percent_of
from engines.fees.scale import Determination, sliding_discount


@dataclass(frozen=True, slots=True)
class Breakdown:
    """How ``patient_pays`` splits; ``sliding_discount`` is forgiven, not paid."""

    deductible: Decimal
    copays: Decimal
    coinsurance: Decimal
    uncovered_days_amount: Decimal
    sliding_discount: Decimal


@dataclass(frozen=True, slots=True)
class Note:
    """Something a person reading the estimate should know; ``code`` is stable."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Estimate:
    """One level's estimate. ``covered_days`` is how many of ``days`` the plan covers;
    patient_pays + insurer_pays + breakdown.sliding_discount == total_charge."""

    level: Level
    days: int
    covered_days: int
    total_charge: Decimal
    insurer_pays: Decimal
    patient_pays: Decimal
    breakdown: Breakdown
    notes: tuple[Note, ...]


class _Walk:
    """Running totals of one level's day-by-day walk (internal, mutable by design)."""

    def __init__(self, benefits: Benefits | None) -> None:
        self.deductible_left = benefits.deductible_remaining if benefits is not None else ZERO
        self.oop_left = benefits.out_of_pocket_remaining if benefits is not None else None
        self.deductible = self.copays = self.coinsurance = ZERO
        self.uncovered = self.discount = self.covered_charge = ZERO
        self.deductible_met_on: int | None = None
        # Day 0: the maximum was already met before this estimate's first day.
        self.oop_met_on: int | None = 0 if self.oop_left == ZERO else None

    def owe(self, amount: Decimal, day: int) -> Decimal:
        """The part of ``amount`` the out-of-pocket maximum still lets the patient owe."""
        if self.oop_left is None:
            return amount
        owed = min(amount, self.oop_left)
        self.oop_left -= owed
        if self.oop_left == ZERO and self.oop_met_on is None:
            self.oop_met_on = day
        return owed

    def covered_day(self, charge: Decimal, benefits: Benefits, day: int) -> None:
        absorbed = min(charge, self.deductible_left)
        paid = self.owe(absorbed, day)
        self.deductible += paid
        self.deductible_left -= paid
        if absorbed and self.deductible_left == ZERO:
            self.deductible_met_on = day
        remainder = charge - absorbed
        if remainder > ZERO and benefits.copay_per_day > ZERO:
            self.copays += self.owe(min(benefits.copay_per_day, remainder), day)
        elif remainder > ZERO:
            self.coinsurance += self.owe(percent_of(remainder, benefits.coinsurance_percent), day)
        self.covered_charge += charge

    def self_pay_day(self, charge: Decimal, determination: Determination | None) -> None:
        forgiven = (
            sliding_discount(charge, determination.tier) if determination is not None else ZERO
        )
        self.discount += forgiven
        self.uncovered += charge - forgiven


def estimate_level(
    benefits: Benefits | None, charge: LevelCharge, determination: Determination | None = None
) -> Estimate:
    """The estimate for one level of care; ``benefits`` None means self-pay.

    Inputs are validated on construction (Benefits, LevelCharge), so this raises nothing new.
    """
    walk = _Walk(benefits)
    covered_left = benefits.covered_days_remaining if benefits is not None else 0
    covered_days = charge.days if covered_left is None else min(charge.days, covered_left)
    for day in range(1, charge.days + 1):
        if benefits is not None and day <= covered_days:
            walk.covered_day(charge.charge_per_day, benefits, day)
        else:
            walk.self_pay_day(charge.charge_per_day, determination)
    patient_covered = walk.deductible + walk.copays + walk.coinsurance
    return Estimate(
        level=charge.level,
        days=charge.days,
        covered_days=covered_days,
        total_charge=charge.charge_per_day * charge.days,
        insurer_pays=walk.covered_charge - patient_covered,
        patient_pays=patient_covered + walk.uncovered,
        breakdown=Breakdown(
            deductible=walk.deductible,
            copays=walk.copays,
            coinsurance=walk.coinsurance,
            uncovered_days_amount=walk.uncovered,
            sliding_discount=walk.discount,
        ),
        notes=_notes(benefits, charge, covered_days, walk, determination),
    )


def _notes(
    benefits: Benefits | None,
    charge: LevelCharge,
    covered_days: int,
    walk: _Walk,
    determination: Determination | None,
) -> tuple[Note, ...]:
    notes: list[Note] = []
    if benefits is None:
        notes.append(Note("self_pay", "No coverage given: every day is self-pay."))
    else:
        notes.extend(_coverage_notes(benefits, charge, covered_days, walk))
    if determination is not None:
        notes.append(_sliding_note(benefits, covered_days, walk, determination))
    return tuple(notes)


def _coverage_notes(
    benefits: Benefits, charge: LevelCharge, covered_days: int, walk: _Walk
) -> list[Note]:
    notes: list[Note] = []
    if covered_days < charge.days:
        notes.append(
            Note(
                "day_limit_reached",
                f"{charge.days - covered_days} of {charge.days} days exceed the plan's day "
                "limit and are not covered.",
            )
        )
    if walk.deductible_met_on is not None:
        notes.append(Note("deductible_met", f"Deductible met on day {walk.deductible_met_on}."))
    oop_note = _out_of_pocket_note(walk.oop_met_on)
    if oop_note is not None:
        notes.append(oop_note)
    if benefits.out_of_pocket_max is None:
        notes.append(Note("no_out_of_pocket_max", "The plan has no out-of-pocket limit."))
    if not benefits.in_network:
        notes.append(
            Note(
                "out_of_network",
                "Out of network: the payer may allow less than this per-diem and the patient "
                "may be billed the difference, which this estimate does not include.",
            )
        )
    return notes


def _out_of_pocket_note(met_on: int | None) -> Note | None:
    if met_on is None:
        return None
    if met_on == 0:
        message = "Out-of-pocket maximum already met: the plan pays covered days in full."
    else:
        message = (
            f"Out-of-pocket maximum reached on day {met_on}; "
            "the plan pays covered days in full after that."
        )
    return Note("out_of_pocket_max_reached", message)


def _sliding_note(
    benefits: Benefits | None, covered_days: int, walk: _Walk, determination: Determination
) -> Note:
    label = determination.tier.label
    if benefits is not None and covered_days > 0:
        return Note(
            "sliding_discount_self_pay_only",
            f"Sliding fee class {label} applied to self-pay days only; deductible, copayments "
            "and coinsurance are unchanged (a reduction there depends on the payer contract).",
        )
    return Note(
        "sliding_discount_applied",
        f"Sliding fee class {label}: {walk.discount} forgiven.",
    )


_ORDER = {level: index for index, level in enumerate(Level)}


def compare_levels(
    benefits: Benefits | None,
    charges: Sequence[LevelCharge],
    determination: Determination | None = None,
) -> list[Estimate]:
    """One estimate per level given, in OP, IOP, PHP order, each from the same benefits.

    Raises FeeInputError ``duplicate_level`` when a level is given twice.
    """
    seen: set[Level] = set()
    for index, charge in enumerate(charges):
        if charge.level in seen:
            raise FeeInputError(
                "duplicate_level", f"charges[{index}].level", f"{charge.level} given twice"
            )
        seen.add(charge.level)
    ordered = sorted(charges, key=lambda charge: _ORDER[charge.level])
    return [estimate_level(benefits, charge, determination) for charge in ordered]
