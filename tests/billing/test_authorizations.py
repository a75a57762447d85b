"""The derived authorization state: every state and boundary, table-driven, plus properties."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openiop.billing.authorizations import (
    WARNING_DAYS,
    AuthorizationTerms,
    AuthState,
    derive,
)

DAY = dt.timedelta(days=1)
TODAY = dt.date(2026, 3, 16)  # a Monday
START, END = dt.date(2026, 3, 2), dt.date(2026, 3, 31)


def _terms(units=10, start=START, end=END, review=None):
    return AuthorizationTerms(
        decided=True,
        denied=False,
        approved_units=units,
        approved_from=start,
        approved_to=end,
        next_review_on=review,
    )


def _days(first, count):
    return [first + i * DAY for i in range(count)]


# Ten units; days used so far are the 3 days before today; the remaining schedule decides when
# the 10th unit falls. "+n" is n days after TODAY.
THREE_USED = _days(TODAY - 3 * DAY, 3)


@pytest.mark.parametrize(
    ("case", "terms", "dates", "state", "codes", "used", "scheduled", "remaining"),
    [
        ("nothing due", _terms(review=TODAY + 8 * DAY), THREE_USED, "active", [], 3, 0, 7),
        (
            "review on day 7",
            _terms(review=TODAY + 7 * DAY),
            [],
            "expiring",
            ["review_due"],
            0,
            0,
            10,
        ),
        ("review on day 8", _terms(review=TODAY + 8 * DAY), [], "active", [], 0, 0, 10),
        ("review today", _terms(review=TODAY), [], "expiring", ["review_due"], 0, 0, 10),
        (
            "review overdue",
            _terms(review=TODAY - DAY),
            [],
            "expiring",
            ["review_overdue"],
            0,
            0,
            10,
        ),
        ("ends on day 7", _terms(end=TODAY + 7 * DAY), [], "expiring", ["ends_soon"], 0, 0, 10),
        ("ends on day 8", _terms(end=TODAY + 8 * DAY), [], "active", [], 0, 0, 10),
        ("ends today", _terms(end=TODAY), [], "expiring", ["ends_soon"], 0, 0, 10),
        (
            "units run out on day 7",
            _terms(),
            THREE_USED + _days(TODAY + DAY, 7),  # 10th unit on TODAY + 7
            "expiring",
            ["units_run_out"],
            3,
            7,
            7,
        ),
        (
            "units run out on day 8",
            _terms(),
            THREE_USED + _days(TODAY + 2 * DAY, 7),  # 10th unit on TODAY + 8
            "active",
            [],
            3,
            7,
            7,
        ),
        (
            "exactly exhausted today",
            _terms(),
            _days(TODAY - 9 * DAY, 10),
            "exhausted",
            ["units_exhausted"],
            10,
            0,
            0,
        ),
        (
            "one unit left and it is scheduled tomorrow",
            _terms(),
            [*_days(TODAY - 8 * DAY, 9), TODAY + DAY],
            "expiring",
            ["units_run_out"],
            9,
            1,
            1,
        ),
        # Nothing scheduled uses the last unit, so it does not run out at the scheduled pace.
        (
            "one unit left, none scheduled",
            _terms(),
            _days(TODAY - 8 * DAY, 9),
            "active",
            [],
            9,
            0,
            1,
        ),
        (
            "used beyond the units",
            _terms(units=5),
            _days(TODAY - 7 * DAY, 8),
            "exhausted",
            ["units_exhausted"],
            8,
            0,
            0,
        ),
        ("expired yesterday", _terms(end=TODAY - DAY), [], "expired", ["ended"], 0, 0, 10),
        (
            "expired beats exhausted",
            _terms(units=2, end=TODAY - DAY),
            _days(START, 2),
            "expired",
            ["ended"],
            2,
            0,
            0,
        ),
        (
            "not started yet",
            _terms(start=TODAY + 20 * DAY, end=TODAY + 40 * DAY),
            [],
            "active",
            [],
            0,
            0,
            10,
        ),
        (
            "several warnings at once",
            _terms(end=TODAY + 2 * DAY, review=TODAY + DAY),
            [],
            "expiring",
            ["review_due", "ends_soon"],
            0,
            0,
            10,
        ),
        (
            "days outside the approval do not count",
            _terms(start=TODAY - DAY, end=TODAY + 30 * DAY),
            [*_days(TODAY - 5 * DAY, 4), TODAY + 31 * DAY],
            "active",
            [],
            0,
            0,
            10,
        ),
    ],
)
def test_derived_state(case, terms, dates, state, codes, used, scheduled, remaining):
    status = derive(terms, sorted(dates), TODAY)
    assert status.state == AuthState(state), case
    assert (
        [r.code for r in status.reasons] == (codes or [])
        if state in {"active", "expiring"}
        else [r.code for r in status.reasons] == codes
    )
    assert (status.units_used, status.units_scheduled, status.units_remaining) == (
        used,
        scheduled,
        remaining,
    )


def test_pending_and_denied_have_no_units():
    pending = derive(AuthorizationTerms(decided=False, denied=False), [TODAY], TODAY)
    denied = derive(AuthorizationTerms(decided=True, denied=True), [TODAY], TODAY)
    assert (pending.state, pending.units_remaining, [r.code for r in pending.reasons]) == (
        AuthState.PENDING,
        None,
        ["awaiting_decision"],
    )
    assert (denied.state, denied.units_remaining, [r.code for r in denied.reasons]) == (
        AuthState.DENIED,
        None,
        ["denied"],
    )
    assert not pending.needs_attention
    assert not denied.needs_attention


def test_runs_out_on_is_the_day_of_the_last_unit_and_none_when_the_schedule_stops_short():
    schedule = _days(TODAY + DAY, 4)
    assert derive(_terms(units=3), schedule, TODAY).runs_out_on == TODAY + 3 * DAY
    assert derive(_terms(units=5), schedule, TODAY).runs_out_on is None


def test_review_days_are_counted_from_today_and_negative_when_overdue():
    assert derive(_terms(review=TODAY + 3 * DAY), [], TODAY).review_due_in_days == 3
    assert derive(_terms(review=TODAY - 2 * DAY), [], TODAY).review_due_in_days == -2
    assert derive(_terms(), [], TODAY).review_due_in_days is None


def test_an_approval_without_its_dates_is_refused():
    broken = AuthorizationTerms(decided=True, denied=False, approved_units=3)
    with pytest.raises(ValueError, match="approved date range"):
        derive(broken, [], TODAY)


def test_the_warning_window_is_the_issues_seven_days():
    assert WARNING_DAYS == 7


_dates = st.lists(
    st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)), max_size=60
).map(lambda ds: sorted(set(ds)))


@given(
    units=st.integers(min_value=1, max_value=60),
    start_offset=st.integers(min_value=-90, max_value=90),
    length=st.integers(min_value=0, max_value=120),
    review_offset=st.one_of(st.none(), st.integers(min_value=0, max_value=120)),
    dates=_dates,
    today=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)),
)
def test_derivation_invariants(units, start_offset, length, review_offset, dates, today):
    start = dt.date(2026, 6, 1) + start_offset * DAY
    end = start + length * DAY
    review = None if review_offset is None else start + min(review_offset, length) * DAY
    status = derive(_terms(units, start, end, review), dates, today)
    in_range = [d for d in dates if start <= d <= end]
    # every service day in the approval is either used or scheduled, never both
    assert status.units_used + status.units_scheduled == len(in_range)
    assert status.units_used == sum(1 for d in in_range if d <= today)
    assert status.units_remaining == max(0, units - status.units_used)
    # the state follows from the dates and units alone, in order of precedence
    if today > end:
        assert status.state is AuthState.EXPIRED
    elif status.units_used >= units:
        assert status.state is AuthState.EXHAUSTED
    else:
        assert status.state in {AuthState.ACTIVE, AuthState.EXPIRING}
        assert (status.state is AuthState.EXPIRING) == bool(status.reasons)
    assert status.needs_attention == (status.state in {AuthState.EXPIRING, AuthState.EXHAUSTED})
    if status.runs_out_on is not None:
        assert start <= status.runs_out_on <= end


@given(dates=_dates, extra=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)))
def test_one_more_service_day_never_gives_back_a_unit(dates, extra):
    before = derive(_terms(10, dt.date(2026, 1, 1), dt.date(2026, 12, 31)), dates, TODAY)
    after = derive(
        _terms(10, dt.date(2026, 1, 1), dt.date(2026, 12, 31)), sorted({*dates, extra}), TODAY
    )
    assert after.units_used >= before.units_used
    assert (after.units_remaining or 0) <= (before.units_remaining or 0)
