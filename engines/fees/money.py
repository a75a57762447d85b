"""Money and percentages as exact decimals.

Every amount in the fees engine is a ``decimal.Decimal`` quantized to whole cents; floats are
refused, because binary floating point cannot hold most cent values exactly and a statement that
is a cent off is a statement a patient rightly disputes.

Rounding is ROUND_HALF_UP (half a cent rounds away from zero). Decimal's own default is
ROUND_HALF_EVEN ("banker's rounding"); patients and front-desk staff check a statement by hand
or in a spreadsheet, both of which round halves up, so half-up is the rule whose results they
can reproduce. Only products and quotients are rounded (a coinsurance share, a discounted
charge); sums of cent amounts are exact and never rounded.

Codes raised: ``not_a_decimal``, ``not_finite``, ``fractional_cents``, ``negative_amount``,
``percent_out_of_range``.
"""

from decimal import ROUND_HALF_UP, Decimal

from engines.fees.errors import FeeInputError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def to_cents(value: Decimal) -> Decimal:
    """``value`` rounded half-up to whole cents (see the module docstring for why half-up)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def require_decimal(value: object, field: str) -> Decimal:
    """``value`` itself when it is a finite Decimal; FeeInputError otherwise."""
    if not isinstance(value, Decimal):
        raise FeeInputError(
            "not_a_decimal", field, f"must be a decimal.Decimal, got {type(value).__name__}"
        )
    if not value.is_finite():
        raise FeeInputError("not_finite", field, "must be a finite number")
    return value


def require_money(value: object, field: str) -> Decimal:
    """A non-negative amount in whole cents, returned with exactly two decimal places.

    Sub-cent input (``10.005``) is refused rather than rounded: it usually means an amount was
    computed in floating point upstream, and silently rounding it would hide that.
    """
    amount = require_decimal(value, field)
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise FeeInputError("fractional_cents", field, "must be a whole number of cents")
    if amount < 0:
        raise FeeInputError("negative_amount", field, "must not be negative")
    return to_cents(amount)


def require_percent(value: object, field: str, *, code: str = "percent_out_of_range") -> Decimal:
    """A percentage between 0 and 100 inclusive."""
    percent = require_decimal(value, field)
    if not ZERO <= percent <= HUNDRED:
        raise FeeInputError(code, field, f"must be between 0 and 100, got {percent}")
    return percent


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``amount``, rounded half-up to cents."""
    return to_cents(amount * percent / HUNDRED)
