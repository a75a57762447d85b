"""A coverage's behavioral-health benefits as one value: validated the same way whether they
are typed when the coverage is added, updated, or confirmed in a benefits verification, and
snapshotted as JSON in the verification so later changes never rewrite what was confirmed.

Terms follow the HealthCare.gov glossary (deductible, copayment, coinsurance, out-of-pocket
maximum; cited in ``engines.fees.coverage``): what the patient has already *met* this benefit
year can never exceed the total, and coinsurance is a percentage of the allowed amount.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, Protocol

from openiop.billing.errors import Problem

CENT = Decimal("0.01")
# DecimalField(max_digits=10, decimal_places=2) holds amounts below 10^8.
MONEY_LIMIT = Decimal(10) ** 8
# PositiveSmallIntegerField's upper bound.
COUNT_LIMIT = 32767
_MONEY_FIELDS = ("copay_per_day", "deductible", "deductible_met", "out_of_pocket_met")


@dataclass(frozen=True, slots=True)
class BenefitValues:
    """The benefit fields of ``Coverage``. ``out_of_pocket_max`` and ``day_limit`` None mean
    "no limit" (Original Medicare Part B has no out-of-pocket limit; clinical.md §1.4)."""

    in_network: bool = True
    requires_preauthorization: bool = True
    copay_per_day: Decimal = Decimal("0.00")
    coinsurance_percent: Decimal = Decimal("0.00")
    deductible: Decimal = Decimal("0.00")
    deductible_met: Decimal = Decimal("0.00")
    out_of_pocket_max: Decimal | None = None
    out_of_pocket_met: Decimal = Decimal("0.00")
    day_limit: int | None = None
    days_used: int = 0


BENEFIT_FIELDS = tuple(f.name for f in fields(BenefitValues))


class _HasBenefits(Protocol):
    in_network: bool
    requires_preauthorization: bool
    copay_per_day: Decimal
    coinsurance_percent: Decimal
    deductible: Decimal
    deductible_met: Decimal
    out_of_pocket_max: Decimal | None
    out_of_pocket_met: Decimal
    day_limit: int | None
    days_used: int


def benefits_of(coverage: _HasBenefits) -> BenefitValues:
    """The benefit values currently on a coverage."""
    return BenefitValues(**{name: getattr(coverage, name) for name in BENEFIT_FIELDS})


def snapshot(values: BenefitValues) -> dict[str, Any]:
    """JSON-safe copy for ``BenefitsVerification.confirmed``: amounts as strings, so no float
    ever touches money."""
    return {
        name: str(value) if isinstance(value, Decimal) else value
        for name in BENEFIT_FIELDS
        for value in [getattr(values, name)]
    }


def _money_problem(name: str, amount: Decimal) -> Problem | None:
    if not amount.is_finite() or amount < 0:
        return Problem("amount_negative", name, "Enter an amount of zero or more.")
    if amount != amount.quantize(CENT):
        return Problem("amount_fractional_cents", name, "Enter whole cents.")
    if amount >= MONEY_LIMIT:
        return Problem("amount_too_large", name, "That amount is too large.")
    return None


def _count_problem(name: str, count: int) -> Problem | None:
    if not 0 <= count <= COUNT_LIMIT:
        return Problem("days_out_of_range", name, f"Enter a number from 0 to {COUNT_LIMIT}.")
    return None


def benefit_problems(values: BenefitValues) -> list[Problem]:
    """Everything wrong with ``values`` (empty when they are consistent)."""
    found = [_money_problem(name, getattr(values, name)) for name in _MONEY_FIELDS]
    if values.out_of_pocket_max is not None:
        found.append(_money_problem("out_of_pocket_max", values.out_of_pocket_max))
    found.append(_count_problem("days_used", values.days_used))
    if values.day_limit is not None:
        found.append(_count_problem("day_limit", values.day_limit))
    problems = [p for p in found if p is not None]
    if not Decimal(0) <= values.coinsurance_percent <= Decimal(100):
        problems.append(
            Problem("coinsurance_out_of_range", "coinsurance_percent", "Enter 0 to 100 %.")
        )
    if values.deductible_met > values.deductible:
        problems.append(
            Problem(
                "deductible_met_exceeds_deductible",
                "deductible_met",
                "The deductible met cannot exceed the deductible.",
            )
        )
    if values.out_of_pocket_max is not None and values.out_of_pocket_met > values.out_of_pocket_max:
        problems.append(
            Problem(
                "out_of_pocket_met_exceeds_max",
                "out_of_pocket_met",
                "The out-of-pocket amount met cannot exceed the out-of-pocket maximum.",
            )
        )
    return problems
