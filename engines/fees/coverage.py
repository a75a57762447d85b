"""What an estimate is computed from: the patient's benefits and each level's per-diem charge.

Terms follow the HealthCare.gov glossary:

* deductible — what the patient pays for covered services before the plan starts to pay
  (https://www.healthcare.gov/glossary/deductible/);
* copayment — a fixed amount for a covered service (https://www.healthcare.gov/glossary/co-payment/);
* coinsurance — the patient's percentage of the allowed amount after the deductible
  (https://www.healthcare.gov/glossary/co-insurance/);
* out-of-pocket maximum — once deductibles, copayments and coinsurance reach it the plan pays
  100 % of covered benefits; it excludes services the plan does not cover
  (https://www.healthcare.gov/glossary/out-of-pocket-maximum-limit/).

``out_of_pocket_max`` may be None: Original Medicare Part B has no yearly limit on coinsurance
(AARP Medicare Q&A, https://www.aarp.org/health/medicare-qa-tool/what-are-costs-for-part-b/
[secondary]), and Medicare covers IOP under Part B with the deductible and coinsurance applying
(clinical.md §1.4). ``day_limit`` None likewise means no limit on covered days.

Codes raised: ``met_exceeds_total``, ``negative_days``, ``not_an_integer``, ``unknown_level``,
``days_per_week_out_of_range``, ``weeks_out_of_range`` and the money codes.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from engines.fees.errors import FeeInputError
from engines.fees.money import require_money, require_percent

#: Deductibles and out-of-pocket limits reset every plan year, so an estimate that walked past
#: 52 weeks would apply one year's limits to two years of care.
MAX_WEEKS = 52


class Level(StrEnum):
    """Levels of care compared by an estimate, in step-up order (clinical.md §1.1, §1.4)."""

    OP = "op"
    IOP = "iop"
    PHP = "php"


def _require_count(value: object, field: str, *, low: int, high: int | None, code: str) -> int:
    # bool is an int subclass; True as a count is a bug upstream.
    if isinstance(value, bool) or not isinstance(value, int):
        raise FeeInputError("not_an_integer", field, "must be a whole number")
    if value < low or (high is not None and value > high):
        upper = "" if high is None else f" and at most {high}"
        raise FeeInputError(code, field, f"must be at least {low}{upper}, got {value}")
    return value


@dataclass(frozen=True, slots=True)
class Benefits:
    """A patient's cost sharing for this service under their plan, as verified with the payer.

    Amounts are whole-cent Decimals ≥ 0 (normalized to two places on construction); ``_met``
    amounts are what the patient has already paid this plan year and may not exceed the total.
    Raises FeeInputError with a ``benefits.<field>`` path on bad input.
    """

    copay_per_day: Decimal
    coinsurance_percent: Decimal
    deductible: Decimal
    deductible_met: Decimal
    out_of_pocket_max: Decimal | None
    out_of_pocket_met: Decimal
    day_limit: int | None
    days_used: int
    in_network: bool

    def __post_init__(self) -> None:
        for name in ("copay_per_day", "deductible", "deductible_met", "out_of_pocket_met"):
            object.__setattr__(self, name, require_money(getattr(self, name), f"benefits.{name}"))
        if self.out_of_pocket_max is not None:
            oop = require_money(self.out_of_pocket_max, "benefits.out_of_pocket_max")
            object.__setattr__(self, "out_of_pocket_max", oop)
        require_percent(self.coinsurance_percent, "benefits.coinsurance_percent")
        _require_met(self.deductible_met, self.deductible, "deductible")
        if self.out_of_pocket_max is not None:
            _require_met(self.out_of_pocket_met, self.out_of_pocket_max, "out_of_pocket")
        if self.day_limit is not None:
            _require_count(
                self.day_limit, "benefits.day_limit", low=0, high=None, code="negative_days"
            )
        _require_count(self.days_used, "benefits.days_used", low=0, high=None, code="negative_days")
        if not isinstance(self.in_network, bool):
            raise FeeInputError("not_a_boolean", "benefits.in_network", "must be true or false")

    @property
    def deductible_remaining(self) -> Decimal:
        return self.deductible - self.deductible_met

    @property
    def out_of_pocket_remaining(self) -> Decimal | None:
        """None when the plan has no out-of-pocket limit."""
        if self.out_of_pocket_max is None:
            return None
        return self.out_of_pocket_max - self.out_of_pocket_met

    @property
    def covered_days_remaining(self) -> int | None:
        """None when the plan has no day limit; never negative (a payer may have let a patient
        run past the limit, which leaves no covered days, not a debt of days)."""
        if self.day_limit is None:
            return None
        return max(0, self.day_limit - self.days_used)


def _require_met(met: Decimal, total: Decimal, name: str) -> None:
    if met > total:
        raise FeeInputError(
            "met_exceeds_total",
            f"benefits.{name}_met",
            f"{met} already met exceeds the {name.replace('_', '-')} total of {total}",
        )


@dataclass(frozen=True, slots=True)
class LevelCharge:
    """The program's per-diem for one level of care and the planned schedule.

    ``charge_per_day`` is the allowed (contracted) amount per attended day, since cost sharing
    is computed on the allowed amount, not on billed charges (HealthCare.gov, coinsurance).
    Raises FeeInputError with a ``charge.<field>`` path on bad input.
    """

    level: Level
    charge_per_day: Decimal
    days_per_week: int
    weeks: int

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "level", Level(self.level))
        except ValueError:
            raise FeeInputError(
                "unknown_level", "charge.level", f"{self.level!r} is not one of op, iop, php"
            ) from None
        charge = require_money(self.charge_per_day, "charge.charge_per_day")
        object.__setattr__(self, "charge_per_day", charge)
        _require_count(
            self.days_per_week,
            "charge.days_per_week",
            low=1,
            high=7,
            code="days_per_week_out_of_range",
        )
        _require_count(self.weeks, "charge.weeks", low=1, high=MAX_WEEKS, code="weeks_out_of_range")

    @property
    def days(self) -> int:
        return self.days_per_week * self.weeks
