"""Apply the demo's measurement-based care through the services: program schedules, track
cohorts, each stay's answered questionnaires and the safety alerts they raise, then read back
what a newcomer should look at first.

Every write goes through ``openiop.measures.services`` or ``openiop.programs`` /
``openiop.patients`` services, acting as the caller's system actor, so responses are scored
by the engine, checked against their occasion windows and audited. Historical safety alerts
are acknowledged with the action the clinician took; the one the plan leaves open stays open.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import engines.instruments as instruments
import engines.outcomes as outcomes
from openiop.accounts.models import User
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.devtools.layout import COHORT_STARTS, cohort_name
from openiop.devtools.measures_plan import SCHEDULES, MeasuresPlan, PlannedResponse
from openiop.devtools.plan import service_day
from openiop.measures.models import MeasureResponse, SafetyAlert, Source, Timepoint
from openiop.measures.services import alert_acknowledge, due_now, response_record, schedule_set
from openiop.patients.models import EpisodeOfCare, EpisodeState, Patient
from openiop.patients.services import episode_assign_cohort
from openiop.programs.models import Cohort, Program, Track
from openiop.programs.services import cohort_create


@dataclass(frozen=True, slots=True)
class MeasuresSummary:
    """What the seed wrote for measurement-based care, as plain values for the report."""

    responses: tuple[tuple[str, int], ...]  # per instrument, in display order
    sources: tuple[tuple[str, int], ...]
    alerts: tuple[tuple[str, int], ...]  # open, acknowledged
    courses: tuple[tuple[str, int], ...]  # planned course shapes of admitted stays
    discharge: tuple[tuple[str, int], ...]  # PHQ-9 intake → discharge categories
    highlights: tuple[tuple[str, str], ...]  # (what to look at, who)
    today: dt.date  # the seeding day, in the programs' time zone


def build_schedules(actor: Actor, programs: dict[str, Program]) -> None:
    """Set each program's schedule. Audits MEASURE_SCHEDULE_CHANGED per program."""
    for key, program in programs.items():
        schedule_set(actor=actor, program=program, entries=list(SCHEDULES[key]))


def build_cohorts(tracks: dict[str, Track]) -> dict[str, list[Cohort]]:
    """Create each track's cohorts (configuration, not audited). Returns them by track name,
    oldest first."""
    cohorts: dict[str, list[Cohort]] = {}
    for name, track in tracks.items():
        today = clock.localdate(track.program.zone)
        cohorts[name] = [
            cohort_create(
                track=track, name=cohort_name(name, n), started_on=service_day(today, ago)
            )
            for n, ago in enumerate(COHORT_STARTS)
        ]
    return cohorts


def join_cohort(actor: Actor, episode: EpisodeOfCare, cohorts: list[Cohort]) -> None:
    """Place a just-admitted episode in the latest cohort of its track that had started by
    the admission. Audits EPISODE_COHORT_ASSIGNED."""
    admitted = episode.admitted_on
    started = [c for c in cohorts if admitted is not None and c.started_on <= admitted]
    episode_assign_cohort(
        actor=actor, episode=episode, cohort=(started or cohorts)[-1], on=admitted
    )


def record_responses(
    actor: Actor,
    episode: EpisodeOfCare,
    planned: tuple[PlannedResponse, ...],
    *,
    transcriber: User | None,
    responder: User,
) -> None:
    """Record each planned response on its collection day; paper forms are entered by
    ``transcriber`` (the primary therapist). An alert the plan gives an action for is
    acknowledged by ``responder``. Audits through the measures services."""
    for response in planned:
        recorded = response_record(
            actor=actor,
            episode=episode,
            instrument_id=response.instrument,
            answers=list(response.answers),
            timepoint=response.timepoint,
            due_on=response.due_on,
            source=response.source,
            language=response.language,
            entered_by=transcriber if response.source is Source.PAPER else None,
            collected_on=response.collected_on,
        )
        if recorded.alert is not None and response.action_taken:
            alert_acknowledge(
                actor=actor, alert=recorded.alert, by=responder, action_taken=response.action_taken
            )


def summarize(plan: MeasuresPlan, *, alert: Patient, due: Patient) -> MeasuresSummary:
    """Counts of what was written, and the two patients a newcomer should open. Reads only."""
    by_instrument = Counter(MeasureResponse.objects.values_list("instrument", flat=True))
    by_source = Counter(MeasureResponse.objects.values_list("source", flat=True))
    open_alerts = SafetyAlert.objects.filter(acknowledged_at__isnull=True).count()
    return MeasuresSummary(
        responses=tuple(
            (i.short_title, by_instrument[i.id])
            for i in instruments.INSTRUMENTS.values()
            if by_instrument[i.id]
        ),
        sources=tuple((s.value, by_source[s.value]) for s in Source if by_source[s.value]),
        alerts=(
            ("open", open_alerts),
            ("acknowledged", SafetyAlert.objects.count() - open_alerts),
        ),
        courses=tuple(Counter(s.pattern.value for s in plan.stays).most_common()),
        discharge=discharge_outcomes(),
        highlights=(_alert_highlight(alert), _due_highlight(due)),
        today=clock.localdate(_open_episode(due).program.zone),
    )


def discharge_outcomes() -> tuple[tuple[str, int], ...]:
    """PHQ-9 intake against discharge for discharged episodes: Jacobson-Truax categories
    (engines.outcomes), and how many lack a discharge score. Reads only."""
    scores: dict[int, dict[str, int]] = {}
    rows = MeasureResponse.objects.filter(
        instrument="phq9",
        timepoint__in=[Timepoint.INTAKE, Timepoint.DISCHARGE],
        episode__state=EpisodeState.DISCHARGED,
    ).values_list("episode_id", "timepoint", "total")
    for episode_id, timepoint, total in rows:
        scores.setdefault(episode_id, {})[timepoint] = total
    norms = outcomes.NORMS["phq9"]
    categories: Counter[str] = Counter()
    for pair in scores.values():
        if Timepoint.DISCHARGE not in pair:
            categories["no discharge score"] += 1
        elif Timepoint.INTAKE in pair:
            pre, post = pair[Timepoint.INTAKE], pair[Timepoint.DISCHARGE]
            categories[outcomes.classify(pre, post, norms).value] += 1
    order = [*(c.value for c in outcomes.Category), "no discharge score"]
    return tuple((name, categories[name]) for name in order)


def _open_episode(patient: Patient) -> EpisodeOfCare:
    return (
        EpisodeOfCare.objects.select_related("program", "care_team__primary_therapist")
        .filter(patient=patient, state=EpisodeState.ADMITTED)
        .get()
    )


def _who(patient: Patient, episode: EpisodeOfCare) -> str:
    therapist = episode.care_team.primary_therapist
    login = f", primary therapist {therapist.username}" if therapist else ""
    return f"{patient} in {episode.program.name}{login}"


def _alert_highlight(patient: Patient) -> tuple[str, str]:
    return "Open safety alert", _who(patient, _open_episode(patient))


def _due_highlight(patient: Patient) -> tuple[str, str]:
    """'PHQ-9 due today'. Weekly due days fall on weekdays (admissions do), so seeded on a
    weekend it names the due day and how long the questionnaire stays open instead."""
    episode = _open_episode(patient)
    today = clock.localdate(episode.program.zone)
    due = [o for o in due_now(episode) if o.instrument == "phq9"]
    if not due:  # the plan guarantees one; say so plainly rather than fail the seed
        return "PHQ-9 due (none open)", _who(patient, episode)
    occasion = due[0]
    when = (
        "today"
        if occasion.due_on == today
        else f"{occasion.due_on:%a %b %d}, open until {occasion.closes_on:%a %b %d}"
    )
    return f"PHQ-9 due {when}", _who(patient, episode)
