"""A therapist's caseload on the today page: the admitted patients whose primary therapist
they are, each with the phase, the week of treatment, this week's attended hours against the
minimum that applies to them, when the treatment plan is next due for review and how many
safety alerts are open.

Reads only (the page audits the names). A fixed number of queries for any caseload: the
episodes, weekly hours (two per distinct program week), minimums (two), plans (one), open
alerts (one).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max

from openiop.attendance.hours import WeekHours, week_of, weekly_hours
from openiop.billing.hours import HoursMinimum, minimums_for
from openiop.measures.models import SafetyAlert
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.treatment_plans.models import PlanStatus, TreatmentPlan
from openiop.treatment_plans.reviews import activated_on, review_due_on


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    episode: EpisodeOfCare
    today: dt.date
    hours: WeekHours
    minimum: HoursMinimum
    review_due_on: dt.date | None
    open_alerts: int

    @property
    def week_of_treatment(self) -> int | None:
        """1 in the week of admission (its first seven days), 2 in the next, and so on."""
        admitted = self.episode.admitted_on
        return None if admitted is None else (self.today - admitted).days // 7 + 1

    @property
    def review_overdue(self) -> bool:
        return self.review_due_on is not None and self.review_due_on < self.today

    @property
    def review_in_days(self) -> int | None:
        return None if self.review_due_on is None else (self.review_due_on - self.today).days


def weekly_hours_by_week(
    episodes: Sequence[EpisodeOfCare], weeks: Mapping[int, dt.date]
) -> dict[int, WeekHours]:
    """``weekly_hours`` for episodes whose programs may be in different weeks right now
    (``weeks``: program id → Monday): one call per distinct week."""
    grouped: dict[dt.date, list[EpisodeOfCare]] = defaultdict(list)
    for episode in episodes:
        grouped[weeks[episode.program_id]].append(episode)
    found: dict[int, WeekHours] = {}
    for monday, members in grouped.items():
        found.update(weekly_hours(members, monday))
    return found


def review_dates(episodes: Sequence[EpisodeOfCare]) -> dict[int, dt.date]:
    """episode id → when its active plan is next due for review (the treatment-plan rule,
    ``openiop.treatment_plans.reviews``); episodes without an active plan are absent. One
    query; the episodes need ``program`` loaded."""
    by_pk = {e.pk: e for e in episodes}
    plans = TreatmentPlan.objects.filter(
        episode_id__in=list(by_pk), status=PlanStatus.ACTIVE
    ).annotate(last_reviewed_on=Max("reviews__reviewed_on"))
    found = {}
    for plan in plans:
        plan.episode = by_pk[plan.episode_id]
        started = activated_on(plan)
        if started is not None:
            found[plan.episode_id] = review_due_on(
                activated_on=started,
                last_reviewed_on=plan.last_reviewed_on,
                interval_days=plan.episode.program.plan_review_days,
            )
    return found


def open_alert_counts(episode_ids: Sequence[int]) -> dict[int, int]:
    """episode id → its open (unacknowledged) safety alerts; one query."""
    rows = (
        SafetyAlert.objects.filter(episode_id__in=list(episode_ids), acknowledged_at__isnull=True)
        .values("episode_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["episode_id"]: row["count"] for row in rows}


def caseload(user: Any, todays: Mapping[int, dt.date]) -> list[CaseloadRow]:
    """The admitted episodes in ``todays``' programs (program id → local today; the caller
    passes the programs where the user views patients) with ``user`` as primary therapist,
    by family name."""
    episodes = list(
        EpisodeOfCare.objects.filter(
            state=EpisodeState.ADMITTED,
            care_team__primary_therapist_id=user.pk,
            program_id__in=list(todays),
        )
        .select_related("patient", "program", "track")
        .order_by("patient__legal_family_name", "patient__legal_given_name", "pk")
    )
    if not episodes:
        return []
    weeks = {pk: week_of(day) for pk, day in todays.items()}
    hours = weekly_hours_by_week(episodes, weeks)
    minimums = minimums_for(episodes)
    reviews = review_dates(episodes)
    alerts = open_alert_counts([e.pk for e in episodes])
    return [
        CaseloadRow(
            episode=e,
            today=todays[e.program_id],
            hours=hours[e.pk],
            minimum=minimums[e.pk],
            review_due_on=reviews.get(e.pk),
            open_alerts=alerts.get(e.pk, 0),
        )
        for e in episodes
    ]
