from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engines.fees import FeeInputError, Interval, add_months, installments, installments_for_amount

D = Decimal


def _amounts(plan):
    return [str(item.amount) for item in plan]


def _dates(plan):
    return [item.due_on.isoformat() for item in plan]


def test_remainder_cents_go_on_the_first_installment():
    plan = installments(total=D("100.00"), count=3, first_due=date(2026, 3, 1), every="month")

    assert _amounts(plan) == ["33.34", "33.33", "33.33"]
    assert [item.number for item in plan] == [1, 2, 3]


def test_month_steps_keep_the_day_of_month_anchor():
    plan = installments(total=D("500"), count=5, first_due=date(2027, 1, 31), every=Interval.MONTH)

    assert _dates(plan) == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]


def test_leap_february_and_year_end():
    plan = installments(total=D("4"), count=4, first_due=date(2027, 11, 30), every="month")

    assert _dates(plan) == ["2027-11-30", "2027-12-30", "2028-01-30", "2028-02-29"]


def test_two_week_steps():
    plan = installments(total=D("10"), count=3, first_due=date(2026, 12, 24), every="two_weeks")

    assert _dates(plan) == ["2026-12-24", "2027-01-07", "2027-01-21"]
    assert _amounts(plan) == ["3.34", "3.33", "3.33"]


@pytest.mark.parametrize(
    ("anchor", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 5, 15), 25, date(2028, 6, 15)),
        (date(2026, 5, 15), 0, date(2026, 5, 15)),
    ],
)
def test_add_months(anchor, months, expected):
    assert add_months(anchor, months) == expected


def test_single_installment_is_the_whole_total():
    plan = installments(total=D("0.01"), count=1, first_due=date(2026, 1, 1), every="month")

    assert _amounts(plan) == ["0.01"]


def test_installments_for_amount_makes_the_last_one_smaller():
    plan = installments_for_amount(
        total=D("100"), amount_per_installment=D("30"), first_due=date(2026, 1, 31), every="month"
    )

    assert _amounts(plan) == ["30.00", "30.00", "30.00", "10.00"]
    assert _dates(plan) == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]


def test_installments_for_amount_that_divides_the_total_evenly():
    plan = installments_for_amount(
        total=D("90"), amount_per_installment=D("30"), first_due=date(2026, 1, 1), every="month"
    )

    assert _amounts(plan) == ["30.00", "30.00", "30.00"]


def test_installments_for_amount_larger_than_the_total():
    plan = installments_for_amount(
        total=D("25.50"), amount_per_installment=D("30"), first_due=date(2026, 1, 1), every="month"
    )

    assert _amounts(plan) == ["25.50"]


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"count": 0}, "count_out_of_range", "count"),
        ({"count": 61}, "count_out_of_range", "count"),
        ({"count": 2.0}, "not_an_integer", "count"),
        ({"total": D("0")}, "total_not_positive", "total"),
        ({"total": D("-10")}, "total_not_positive", "total"),
        ({"total": D("10.001")}, "fractional_cents", "total"),
        ({"total": 10.0}, "not_a_decimal", "total"),
        ({"total": D("0.02"), "count": 3}, "total_too_small_for_count", "count"),
        ({"every": "week"}, "unknown_interval", "every"),
        ({"first_due": "2026-01-01"}, "not_a_date", "first_due"),
        (
            {"first_due": datetime(2026, 1, 1, tzinfo=UTC)},
            "not_a_date",
            "first_due",
        ),
        ({"first_due": date(9999, 6, 1), "count": 12}, "due_date_out_of_range", "first_due"),
    ],
)
def test_installments_reject_bad_input(kwargs, code, field):
    values = {"total": D("100"), "count": 3, "first_due": date(2026, 1, 1), "every": "month"}
    with pytest.raises(FeeInputError) as caught:
        installments(**(values | kwargs))

    assert (caught.value.code, caught.value.field) == (code, field)


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (D("0"), "amount_not_positive"),
        (D("-5"), "amount_not_positive"),
        (D("1"), "count_out_of_range"),
    ],
)
def test_installments_for_amount_reject_bad_input(amount, code):
    with pytest.raises(FeeInputError) as caught:
        installments_for_amount(
            total=D("61"), amount_per_installment=amount, first_due=date(2026, 1, 1), every="month"
        )

    assert caught.value.code == code
    assert caught.value.field == "amount_per_installment"


def test_sixty_installments_is_the_most():
    plan = installments_for_amount(
        total=D("60"), amount_per_installment=D("1"), first_due=date(2026, 1, 1), every="month"
    )

    assert len(plan) == 60
    assert plan[-1].due_on == date(2030, 12, 1)
