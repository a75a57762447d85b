"""The state of a pre-authorization, derived on every read and never stored.

``derive`` is a pure function of the authorization's decision fields, the episode's service
days and today's date in the program's time zone; ``terms_of`` reads the decision fields off
the model. Nothing here touches the database or the clock.

Units: per-diem IOP and PHP programs bill one unit per attended service day (one revenue code
and one unit per day with a line date: BCBS Nebraska policy RP-PI-002,
https://nebraskablue.com/Providers/BCBSNE-Provider-Procedures/Billing-and-Reimbursement/Intensive-Outpatient-Day-Treatment-Partial-Care,
clinical.md §1.5 [S]; Medicare pays IOP per diem, clinical.md §1.4). A service day is a local
date in the program's zone on which the episode takes part in a session that is not cancelled.

Until attendance is recorded (a later issue), a service day up to and including today counts
as *used* because it was scheduled; later days count as *scheduled*. When attendance arrives,
attended days will replace past scheduled days as the measure of units used.

States (the issue's list plus ``denied``):

- ``pending``: requested, the payer has not answered;
- ``denied``: the payer refused;
- ``expired``: today is after the approved end date;
- ``exhausted``: the units used reach the approved units;
- ``expiring``: active, and within ``WARNING_DAYS`` the concurrent review falls due (or is
  overdue), the approval ends, or the remaining units run out at the scheduled pace;
- ``active``: approved, none of the above.

``WARNING_DAYS`` = 7 is the issue's alert window ("an alert shows when a review is due or the
units run out within 7 days"); "within 7 days" includes the 7th day after today.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

WARNING_DAYS = 7


class AuthState(StrEnum):
    PENDING = "pending"
    DENIED = "denied"
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXHAUSTED = "exhausted"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True, slots=True)
class AuthorizationTerms:
    """What the payer decided. For an approval every ``approved_*`` field is set."""

    decided: bool
    denied: bool
    approved_units: int | None = None
    approved_from: dt.date | None = None
    approved_to: dt.date | None = None
    next_review_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an authorization is in its state; ``code`` is stable."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class AuthorizationStatus:
    """The derived state. ``units_remaining`` is None until approved; ``runs_out_on`` is the
    service day that uses the last approved unit, when the schedule reaches that far;
    ``review_due_in_days`` is negative when the review is overdue."""

    state: AuthState
    units_used: int
    units_scheduled: int
    units_remaining: int | None
    runs_out_on: dt.date | None
    review_due_in_days: int | None
    reasons: tuple[Reason, ...]

    @property
    def needs_attention(self) -> bool:
        """True for the states the alert list shows."""
        return self.state in (AuthState.EXPIRING, AuthState.EXHAUSTED)


class _AuthorizationFields(Protocol):
    decided_at: dt.datetime | None
    denied_reason: str
    approved_units: int | None
    approved_from: dt.date | None
    approved_to: dt.date | None
    next_review_on: dt.date | None


def terms_of(authorization: _AuthorizationFields) -> AuthorizationTerms:
    """The decision fields of an ``Authorization`` row."""
    return AuthorizationTerms(
        decided=authorization.decided_at is not None,
        denied=bool(authorization.denied_reason),
        approved_units=authorization.approved_units,
        approved_from=authorization.approved_from,
        approved_to=authorization.approved_to,
        next_review_on=authorization.next_review_on,
    )


def _undecided(state: AuthState, reason: Reason) -> AuthorizationStatus:
    return AuthorizationStatus(state, 0, 0, None, None, None, (reason,))


def derive(
    terms: AuthorizationTerms, service_dates: Sequence[dt.date], today: dt.date
) -> AuthorizationStatus:
    """The state of one authorization on ``today`` (a local date in the program's zone).

    ``service_dates`` are the episode's distinct service days, sorted ascending; days outside
    the approved range are ignored. Raises ValueError when an approval lacks its units or
    dates (the database constraint ``authorization_decision_complete`` forbids that).
    """
    if not terms.decided:
        return _undecided(AuthState.PENDING, Reason("awaiting_decision", "Awaiting the payer."))
    if terms.denied:
        return _undecided(AuthState.DENIED, Reason("denied", "The payer denied the request."))
    units, start, end = terms.approved_units, terms.approved_from, terms.approved_to
    if units is None or start is None or end is None:
        raise ValueError("an approved authorization needs units and an approved date range")
    in_range = service_dates[bisect_left(service_dates, start) : bisect_right(service_dates, end)]
    used = bisect_right(in_range, today)
    review_in = (terms.next_review_on - today).days if terms.next_review_on else None
    runs_out_on = in_range[units - 1] if 0 < units <= len(in_range) else None
    state, reasons = _approved_state(units, used, end, runs_out_on, review_in, today)
    return AuthorizationStatus(
        state=state,
        units_used=used,
        units_scheduled=len(in_range) - used,
        units_remaining=max(0, units - used),
        runs_out_on=runs_out_on,
        review_due_in_days=review_in,
        reasons=reasons,
    )


def _approved_state(
    units: int,
    used: int,
    end: dt.date,
    runs_out_on: dt.date | None,
    review_in: int | None,
    today: dt.date,
) -> tuple[AuthState, tuple[Reason, ...]]:
    if today > end:
        return AuthState.EXPIRED, (Reason("ended", f"Ended on {end:%Y-%m-%d}."),)
    if used >= units:
        message = f"All {units} approved units are used."
        return AuthState.EXHAUSTED, (Reason("units_exhausted", message),)
    reasons = _warnings(end, runs_out_on, review_in, today)
    return (AuthState.EXPIRING if reasons else AuthState.ACTIVE), reasons


def _warnings(
    end: dt.date, runs_out_on: dt.date | None, review_in: int | None, today: dt.date
) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    if review_in is not None and review_in < 0:
        message = f"Concurrent review overdue by {_days(-review_in)}."
        reasons.append(Reason("review_overdue", message))
    elif review_in is not None and review_in <= WARNING_DAYS:
        when = "today" if review_in == 0 else f"in {_days(review_in)}"
        reasons.append(Reason("review_due", f"Concurrent review due {when}."))
    ends_in = (end - today).days
    if ends_in <= WARNING_DAYS:
        reasons.append(Reason("ends_soon", f"Approval ends on {end:%Y-%m-%d}."))
    if runs_out_on is not None and (runs_out_on - today).days <= WARNING_DAYS:
        message = f"Units run out on {runs_out_on:%Y-%m-%d} at the scheduled pace."
        reasons.append(Reason("units_run_out", message))
    return tuple(reasons)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
