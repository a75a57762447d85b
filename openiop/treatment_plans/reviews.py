"""When an active treatment plan is next due for review.

Rule: the next review is due ``Program.plan_review_days`` after the last review, or after
the activation date when the plan has not been reviewed yet. Source: the Medicare IOP
benefit requires the plan of treatment to be reviewed no less often than every other month
(CY 2024 OPPS final rule, CMS-1786-FC; 42 CFR 424.24; clinical.md §1.4). OpenIOP's default
interval is 30 days, stricter than that floor and what IOP programs commonly use; a program
can configure its own (``plan_review_days``).

Dates are the program's local dates (the activation instant is read in ``program.zone``).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max

from openiop.core import clock
from openiop.treatment_plans.models import PlanStatus, TreatmentPlan

#: A plan is listed as "due soon" this many days before its review date.
DUE_SOON_DAYS = 7


def review_due_on(
    *, activated_on: dt.date, last_reviewed_on: dt.date | None, interval_days: int
) -> dt.date:
    """The review date for a plan activated on ``activated_on`` and last reviewed on
    ``last_reviewed_on`` (None: never), reviewed every ``interval_days``."""
    base = max(activated_on, last_reviewed_on) if last_reviewed_on else activated_on
    return base + dt.timedelta(days=interval_days)


def activated_on(plan: TreatmentPlan) -> dt.date | None:
    """The program-local date the plan became active (None for a draft)."""
    if plan.activated_at is None:
        return None
    return clock.localdate(plan.episode.program.zone, plan.activated_at)


def next_review_due(plan: TreatmentPlan) -> dt.date | None:
    """The date ``plan``'s next review is due, or None when it is not active. Reads the
    plan's latest review (one query)."""
    started = activated_on(plan)
    if plan.status != PlanStatus.ACTIVE or started is None:
        return None
    last = plan.reviews.aggregate(last=Max("reviewed_on"))["last"]
    return review_due_on(
        activated_on=started,
        last_reviewed_on=last,
        interval_days=plan.episode.program.plan_review_days,
    )
