"""Reads of the measurement context: a patient's trajectories, the due list, open alerts.
Each runs a fixed number of queries whatever the number of responses (asserted in tests)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import engines.instruments as instruments
import engines.outcomes as outcomes
from engines.occasions import Occasion, Status
from openiop.accounts.access import program_ids_with
from openiop.core import clock
from openiop.core.capabilities import Capability
from openiop.measures.models import AlertNotice, MeasureResponse, SafetyAlert
from openiop.measures.schedule import occasion_statuses, schedules_by_program
from openiop.patients.models import EpisodeOfCare, EpisodeState, Patient

# Follow-ups run to 180 days after discharge plus their 14-day window.
FOLLOW_UP_REACH = dt.timedelta(days=200)


@dataclass(frozen=True, slots=True)
class TrajectoryPoint:
    response: MeasureResponse
    day: int
    severity_label: str


@dataclass(slots=True)
class Trajectory:
    instrument: instruments.Instrument
    points: list[TrajectoryPoint] = field(default_factory=list)
    lines: tuple[float, float] | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def baseline(self) -> MeasureResponse | None:
        return self.points[0].response if self.points else None

    @property
    def latest(self) -> MeasureResponse | None:
        return self.points[-1].response if self.points else None


@dataclass(frozen=True, slots=True)
class OccasionRow:
    occasion: Occasion
    status: Status
    instrument: instruments.Instrument


@dataclass(slots=True)
class PatientMeasures:
    episode: EpisodeOfCare | None
    trajectories: list[Trajectory]
    occasions: list[OccasionRow]
    alerts: list[SafetyAlert]
    responses: list[MeasureResponse]
    today: dt.date | None

    @property
    def open_alerts(self) -> list[SafetyAlert]:
        return [a for a in self.alerts if a.acknowledged_at is None]

    @property
    def due(self) -> list[OccasionRow]:
        return [r for r in self.occasions if r.status in (Status.DUE, Status.OVERDUE)]

    @property
    def missed(self) -> list[OccasionRow]:
        return [r for r in self.occasions if r.status is Status.MISSED]


def patient_measures(user: Any, patient: Patient) -> PatientMeasures:
    """Trajectories, occasions and safety alerts of ``patient`` within the programs where
    ``user`` may view patients. The caller has already authorized and audited the access.
    Four queries."""
    program_ids = program_ids_with(user, Capability.VIEW_PATIENTS)
    episodes = list(
        EpisodeOfCare.objects.filter(patient=patient, program_id__in=program_ids)
        .select_related("program")
        .order_by("-referred_on", "-pk")
    )
    current = next((e for e in episodes if e.state != EpisodeState.DISCHARGED), None)
    current = current or (episodes[0] if episodes else None)
    responses = list(
        MeasureResponse.objects.filter(episode__in=[e.pk for e in episodes])
        .select_related("entered_by")
        .order_by("collected_on", "pk")
    )
    alerts = list(
        SafetyAlert.objects.filter(episode__in=[e.pk for e in episodes])
        .select_related("response", "acknowledged_by")
        .order_by("-raised_at")
    )
    if current is None:
        return PatientMeasures(None, [], [], alerts, responses, None)
    today = clock.localdate(current.program.zone)
    schedule = schedules_by_program([current.program_id])[current.program_id]
    rows = _occasion_rows(current, schedule, responses, today)
    mine = [r for r in responses if r.episode_id == current.pk]
    trajectories = _trajectories(mine, rows)
    return PatientMeasures(current, trajectories, rows, alerts, responses, today)


def _occasion_rows(
    episode: EpisodeOfCare,
    schedule: list[tuple[str, str]],
    responses: list[MeasureResponse],
    today: dt.date,
) -> list[OccasionRow]:
    answered = {
        (r.instrument, r.timepoint, r.due_on) for r in responses if r.episode_id == episode.pk
    }
    return [
        OccasionRow(o, status, instruments.get(o.instrument))
        for o, status in occasion_statuses(episode, schedule, answered, today=today)
    ]


def _trajectories(responses: list[MeasureResponse], rows: list[OccasionRow]) -> list[Trajectory]:
    by_instrument: dict[str, list[MeasureResponse]] = defaultdict(list)
    for response in responses:
        by_instrument[response.instrument].append(response)
    missed: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.status is Status.MISSED:
            missed[row.occasion.instrument] += 1
    result = []
    for instrument in instruments.INSTRUMENTS.values():
        series = by_instrument.get(instrument.id, [])
        if series or missed[instrument.id]:
            result.append(_trajectory(instrument, series, missed[instrument.id]))
    return result


def _trajectory(
    instrument: instruments.Instrument, series: list[MeasureResponse], missed: int
) -> Trajectory:
    trajectory = Trajectory(instrument)
    if series:
        start = series[0].collected_on
        for response in series:
            band = instrument.band_for(response.total)
            trajectory.points.append(
                TrajectoryPoint(
                    response, (response.collected_on - start).days, band.label if band else ""
                )
            )
        norms = outcomes.NORMS.get(instrument.id)
        if norms is not None:
            trajectory.lines = outcomes.threshold_lines(series[0].total, norms)
            points = [(p.day, float(p.response.total)) for p in trajectory.points]
            trajectory.flags.extend(f.label for f in outcomes.trajectory_flags(points, norms))
    if missed:
        trajectory.flags.append(f"{missed} missed {'measure' if missed == 1 else 'measures'}")
    return trajectory


@dataclass(frozen=True, slots=True)
class DueRow:
    episode: EpisodeOfCare
    occasion: Occasion
    status: Status
    instrument: instruments.Instrument
    today: dt.date

    @property
    def days_overdue(self) -> int:
        return max(0, (self.today - self.occasion.due_on).days)


def due_list(user: Any) -> list[DueRow]:
    """Questionnaires due or overdue today, over every admitted or recently discharged
    episode in the user's programs; overdue first. Three queries."""
    program_ids = program_ids_with(user, Capability.VIEW_PATIENTS)
    earliest = clock.now().date() - FOLLOW_UP_REACH
    episodes = list(
        EpisodeOfCare.objects.filter(program_id__in=program_ids)
        .filter(state__in=[EpisodeState.ADMITTED, EpisodeState.DISCHARGED])
        .exclude(discharged_on__lt=earliest)
        .select_related("program", "patient", "care_team__primary_therapist")
    )
    schedules = schedules_by_program({e.program_id for e in episodes})
    answered: dict[int, set[tuple[str, str, dt.date]]] = defaultdict(set)
    keys = MeasureResponse.objects.filter(episode__in=[e.pk for e in episodes]).values_list(
        "episode_id", "instrument", "timepoint", "due_on"
    )
    for episode_id, instrument, timepoint, due_on in keys:
        answered[episode_id].add((instrument, timepoint, due_on))
    rows = []
    for episode in episodes:
        today = clock.localdate(episode.program.zone)
        schedule = schedules[episode.program_id]
        for occasion, status in occasion_statuses(
            episode, schedule, answered[episode.pk], today=today
        ):
            if status in (Status.DUE, Status.OVERDUE):
                spec = instruments.get(occasion.instrument)
                rows.append(DueRow(episode, occasion, status, spec, today))
    rows.sort(key=lambda r: (r.status is not Status.OVERDUE, r.occasion.due_on, r.episode.pk))
    return rows


def alerts_for(user: Any) -> list[SafetyAlert]:
    """Open safety alerts sent to ``user``, newest first (one query)."""
    program_ids = program_ids_with(user, Capability.VIEW_PATIENTS)
    notices = AlertNotice.objects.filter(
        recipient=user,
        alert__acknowledged_at__isnull=True,
        alert__episode__program_id__in=program_ids,
    )
    return [
        n.alert
        for n in notices.select_related(
            "alert__patient", "alert__response", "alert__episode__program"
        ).order_by("-alert__raised_at")
    ]
