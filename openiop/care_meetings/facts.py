"""What the agenda builder reads, for every admitted episode of one program at once: one
query per kind of fact (11: ten kinds, and the service days of approved authorizations),
whatever the number of patients. Reads only; no audit (``agenda.build_agenda`` returns what
was found and the services audit what they save).

Windows: events (drug screens, missed individual sessions) count from local midnight
``engines.relapse.RULES.recent_days`` (14) days ago to now; attendance counts whole days,
the 14 days before today against the up to ``RULES.baseline_days`` (28) before those.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum

import engines.instruments as instruments
from engines.relapse import RULES, Series
from openiop.attendance.models import ATTENDED, Attendance, AttendanceReview
from openiop.billing.models import Authorization
from openiop.billing.selectors import AuthorizationAlert, authorization_rows
from openiop.billing.selectors import alerts_from_rows as authorization_alerts_of
from openiop.care_meetings.models import CareMeeting
from openiop.measures.models import MeasureResponse, SafetyAlert
from openiop.measures.schedule import Schedule, schedules_by_program
from openiop.medications.selectors import positive_screens
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Program
from openiop.scheduling.models import SessionKind, SessionParticipant
from openiop.treatment_plans.selectors import discharge_readiness

DAY = dt.timedelta(days=1)
#: Without an earlier meeting, admissions of the last 7 days are new.
NEW_ADMISSION_DAYS = 7
INDIVIDUAL_KINDS = (SessionKind.INDIVIDUAL, SessionKind.PSYCHIATRY, SessionKind.FAMILY)


@dataclass(frozen=True, slots=True)
class Facts:
    today: dt.date
    new_since: dt.date
    new_since_meeting: bool
    schedule: Schedule
    series: dict[int, list[Series]]
    answered: dict[int, set[tuple[str, str, dt.date]]]
    alerts: dict[int, int]
    attendance: dict[int, tuple[int, int]]
    missed_sessions: dict[int, int]
    screens: dict[int, int]
    reviews: dict[int, list[str]]
    goals_met: dict[int, bool]
    authorizations: dict[int, list[AuthorizationAlert]]

    @classmethod
    def load(
        cls,
        program: Program,
        episodes: list[EpisodeOfCare],
        *,
        now: dt.datetime,
        today: dt.date,
        week_start: dt.date,
    ) -> Facts:
        admitted = Q(episode__program=program, episode__state=EpisodeState.ADMITTED)
        since = today - RULES.recent_days * DAY
        previous = _previous_meeting_week(program, week_start)
        series, answered = _responses(admitted)
        return cls(
            today=today,
            new_since=previous or today - NEW_ADMISSION_DAYS * DAY,
            new_since_meeting=previous is not None,
            schedule=schedules_by_program([program.pk])[program.pk],
            series=series,
            answered=answered,
            alerts=_count(SafetyAlert.objects.filter(admitted, acknowledged_at__isnull=True)),
            attendance=_attendance(admitted, today),
            missed_sessions=_missed_sessions(admitted, program, since, now),
            screens=positive_screens([e.pk for e in episodes], since),
            reviews=_reviews(admitted),
            goals_met=discharge_readiness(episodes),
            authorizations=_authorizations(admitted, episodes, today),
        )


def _previous_meeting_week(program: Program, week_start: dt.date) -> dt.date | None:
    return (
        CareMeeting.objects.filter(program=program, week_start__lt=week_start)
        .order_by("-week_start")
        .values_list("week_start", flat=True)
        .first()
    )


def _count(queryset: Any) -> dict[int, int]:
    rows = queryset.order_by().values("episode_id").annotate(n=Count("pk"))
    return {row["episode_id"]: row["n"] for row in rows}


def _responses(
    admitted: Q,
) -> tuple[dict[int, list[Series]], dict[int, set[tuple[str, str, dt.date]]]]:
    """Each episode's scores per instrument, oldest first (as the measures chart orders
    them), and the occasions they answered."""
    rows = (
        MeasureResponse.objects.filter(admitted)
        .order_by("episode_id", "instrument", "collected_on", "pk")
        .values_list("episode_id", "instrument", "timepoint", "due_on", "collected_on", "total")
    )
    points: dict[tuple[int, str], list[tuple[dt.date, float]]] = defaultdict(list)
    answered: dict[int, set[tuple[str, str, dt.date]]] = defaultdict(set)
    for episode_id, instrument, timepoint, due_on, collected_on, total in rows:
        points[(episode_id, instrument)].append((collected_on, float(total)))
        answered[episode_id].add((instrument, timepoint, due_on))
    series: dict[int, list[Series]] = defaultdict(list)
    for (episode_id, instrument), scores in points.items():
        first = scores[0][0]
        series[episode_id].append(
            Series(
                instrument=instrument,
                title=instruments.get(instrument).short_title,
                points=tuple(((day - first).days, total) for day, total in scores),
            )
        )
    return series, answered


def _attendance(admitted: Q, today: dt.date) -> dict[int, tuple[int, int]]:
    """episode id → (attended minutes in the 14 days before today, in the up to 28 before)."""
    recent_start = today - RULES.recent_days * DAY
    floor = recent_start - RULES.baseline_days * DAY
    rows = (
        Attendance.objects.filter(
            admitted, status__in=ATTENDED, service_date__gte=floor, service_date__lt=today
        )
        .order_by()
        .values("episode_id")
        .annotate(
            recent=Sum("minutes", filter=Q(service_date__gte=recent_start)),
            baseline=Sum("minutes", filter=Q(service_date__lt=recent_start)),
        )
    )
    return {r["episode_id"]: (r["recent"] or 0, r["baseline"] or 0) for r in rows}


def _missed_sessions(
    admitted: Q, program: Program, since: dt.date, now: dt.datetime
) -> dict[int, int]:
    """Individual, psychiatry and family sessions since local midnight of ``since`` that
    have ended without an attended record (absent, or nothing recorded)."""
    attended = Attendance.objects.filter(
        session_id=OuterRef("session_id"), episode_id=OuterRef("episode_id"), status__in=ATTENDED
    )
    start = dt.datetime.combine(since, dt.time(), tzinfo=program.zone)
    return _count(
        SessionParticipant.objects.filter(
            admitted,
            session__kind__in=INDIVIDUAL_KINDS,
            session__cancelled_at__isnull=True,
            session__starts_at__gte=start,
            session__ends_at__lte=now,
        ).exclude(Exists(attended))
    )


def _reviews(admitted: Q) -> dict[int, list[str]]:
    rows = (
        AttendanceReview.objects.filter(admitted, resolved_at__isnull=True)
        .order_by("raised_at", "pk")
        .values_list("episode_id", "policy__name", "count", "window_start", "window_end")
    )
    found: dict[int, list[str]] = defaultdict(list)
    for episode_id, name, count, start, end in rows:
        found[episode_id].append(f"{name}: {count} between {start:%Y-%m-%d} and {end:%Y-%m-%d}")
    return found


def _authorizations(
    admitted: Q, episodes: list[EpisodeOfCare], today: dt.date
) -> dict[int, list[AuthorizationAlert]]:
    """Billing's authorization alerts (needs attention, not superseded) by episode: the same
    candidates and rule as ``openiop.billing.selectors.authorization_alerts``, for one
    program instead of one user's programs."""
    by_pk = {e.pk: e for e in episodes}
    candidates = list(
        Authorization.objects.filter(admitted)
        .filter(Q(decided_at__isnull=True) | Q(denied_reason="", approved_to__gte=today - DAY))
        .select_related("coverage")
        .order_by("pk")
    )
    if not candidates:
        return {}
    for authorization in candidates:
        authorization.episode = by_pk[authorization.episode_id]  # loaded; saves a join
    program_id = episodes[0].program_id
    alerts = authorization_alerts_of(authorization_rows(candidates, today), {program_id: today})
    found: dict[int, list[AuthorizationAlert]] = defaultdict(list)
    for alert in alerts:
        found[alert.authorization.episode_id].append(alert)
    return found
