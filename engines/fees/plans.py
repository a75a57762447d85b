"""Payment plans: split a balance into dated installments that add up to it exactly.

Rules:

* Amounts are whole cents and sum exactly to the total. An even split leaves up to
  ``count - 1`` cents over; they go on the first installment so that every later installment is
  the same amount (what a recurring card or bank payment is set up to collect, and the figure a
  patient remembers), and so the odd cents are settled first rather than left to the end.
* Monthly due dates keep the first due date's day of month as an anchor and clamp to the last
  day of shorter months: Jan 31 → Feb 28 (29 in a leap year) → Mar 31 → Apr 30. Stepping from the
  previous installment instead would drift to the 28th for good after one February.
* ``two_weeks`` steps are exactly 14 days.
* 1 to 60 installments (five years of monthly payments); the total must be positive.

Codes raised: ``count_out_of_range``, ``total_not_positive``, ``total_too_small_for_count``,
``amount_not_positive``, ``unknown_interval``, ``not_a_date``, ``due_date_out_of_range``,
``not_an_integer`` and the money codes.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from engines.fees.errors import FeeInputError
from engines.fees.money import CENT, ZERO, require_decimal, require_money

MAX_INSTALLMENTS = 60


class Interval(StrEnum):
    MONTH = "month"
    TWO_WEEKS = "two_weeks"


@dataclass(frozen=True, slots=True)
class Installment:
    number: int
    due_on: date
    amount: Decimal


def _require_total(total: Decimal) -> Decimal:
    if require_decimal(total, "total") <= ZERO:
        raise FeeInputError("total_not_positive", "total", "must be more than zero")
    return require_money(total, "total")


def _require_start(first_due: date, every: Interval | str) -> Interval:
    # datetime is a date subclass; a timestamp here would carry a time (and maybe a zone) that
    # due dates must not have.
    if isinstance(first_due, datetime) or not isinstance(first_due, date):
        raise FeeInputError("not_a_date", "first_due", "must be a date without a time")
    try:
        return Interval(every)
    except ValueError:
        raise FeeInputError(
            "unknown_interval", "every", f"{every!r} is not one of month, two_weeks"
        ) from None


def _require_count(count: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int):
        raise FeeInputError("not_an_integer", "count", "must be a whole number")
    if not 1 <= count <= MAX_INSTALLMENTS:
        raise FeeInputError(
            "count_out_of_range", "count", f"must be 1 to {MAX_INSTALLMENTS}, got {count}"
        )
    return count


def add_months(anchor: date, months: int) -> date:
    """``anchor`` moved ``months`` calendar months on, its day clamped to the month's end."""
    month_index = anchor.month - 1 + months
    year, month = anchor.year + month_index // 12, month_index % 12 + 1
    day = min(anchor.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def due_dates(first_due: date, every: Interval | str, count: int) -> list[date]:
    """``count`` due dates from ``first_due``, strictly increasing (see the module rules)."""
    interval = _require_start(first_due, every)
    try:
        if interval is Interval.MONTH:
            return [add_months(first_due, step) for step in range(count)]
        return [first_due + timedelta(days=14 * step) for step in range(count)]
    except (ValueError, OverflowError):
        # Only reachable near date.max (year 9999): a typo, not a real plan.
        raise FeeInputError(
            "due_date_out_of_range", "first_due", "the plan would end after the year 9999"
        ) from None


def installments(
    *, total: Decimal, count: int, first_due: date, every: Interval | str
) -> list[Installment]:
    """``total`` split into ``count`` installments, the odd cents on the first.

    Raises FeeInputError ``total_not_positive``, ``count_out_of_range``,
    ``total_too_small_for_count`` (fewer cents than installments, so one would be zero),
    ``unknown_interval``, ``not_a_date``.
    """
    amount = _require_total(total)
    size = _require_count(count)
    dates = due_dates(first_due, every, size)
    cents = int(amount / CENT)
    if cents < size:
        raise FeeInputError(
            "total_too_small_for_count", "count", f"{amount} cannot be split into {size} payments"
        )
    base, remainder = divmod(cents, size)
    amounts = [base + remainder] + [base] * (size - 1)
    return [
        Installment(number=n, due_on=due, amount=Decimal(c) * CENT)
        for n, (due, c) in enumerate(zip(dates, amounts, strict=True), start=1)
    ]


def installments_for_amount(
    *, total: Decimal, amount_per_installment: Decimal, first_due: date, every: Interval | str
) -> list[Installment]:
    """``total`` paid ``amount_per_installment`` at a time; the last installment is smaller when
    the amount does not divide the total.

    Raises FeeInputError ``amount_not_positive``, ``count_out_of_range`` (more than 60
    installments would be needed) and the codes of ``installments``.
    """
    amount = _require_total(total)
    if require_decimal(amount_per_installment, "amount_per_installment") <= ZERO:
        raise FeeInputError("amount_not_positive", "amount_per_installment", "must be more than 0")
    step = require_money(amount_per_installment, "amount_per_installment")
    full, last = divmod(amount, step)
    count = int(full) + (1 if last else 0)
    if count > MAX_INSTALLMENTS:
        raise FeeInputError(
            "count_out_of_range",
            "amount_per_installment",
            f"{count} installments would be needed; the most is {MAX_INSTALLMENTS}",
        )
    amounts = [step] * int(full) + ([last] if last else [])
    dates = due_dates(first_due, every, count)
    return [
        Installment(number=n, due_on=due, amount=value)
        for n, (due, value) in enumerate(zip(dates, amounts, strict=True), start=1)
    ]
