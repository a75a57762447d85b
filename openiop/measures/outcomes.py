"""Program outcomes: intake against discharge and against the 1- and 6-month follow-ups, per
instrument, grouped by program, track, cohort or clinician. Aggregates only (no names).

Which episodes count: those admitted and discharged within the date range. Every episode whose
program schedules an instrument at intake is *expected* to have it; the report counts each
missing intake, discharge or follow-up score instead of leaving it out. Two queries, then
pure statistics (``engines.outcomes``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

import engines.instruments as instruments
import engines.outcomes as stats
from openiop.measures.models import MeasureResponse, ScheduleEntry, Timepoint
from openiop.patients.models import EpisodeOfCare, EpisodeState

FOLLOW_UP_WINDOW_DAYS = 14


class GroupBy(StrEnum):
    PROGRAM = "program"
    TRACK = "track"
    COHORT = "cohort"
    CLINICIAN = "clinician"


_GROUP_FIELDS: dict[GroupBy, tuple[str, ...]] = {
    GroupBy.PROGRAM: ("program_id", "program__name"),
    GroupBy.TRACK: ("track_id", "track__name"),
    GroupBy.COHORT: ("cohort_id", "cohort__name"),
    GroupBy.CLINICIAN: (
        "care_team__primary_therapist_id",
        "care_team__primary_therapist__first_name",
        "care_team__primary_therapist__last_name",
    ),
}

COMPARISONS: tuple[tuple[str, str, int], ...] = (
    (Timepoint.DISCHARGE, "Discharge", 0),
    (Timepoint.FOLLOW_UP_30, "1-month follow-up", 30),
    (Timepoint.FOLLOW_UP_180, "6-month follow-up", 180),
)


@dataclass(frozen=True, slots=True)
class Comparison:
    timepoint: str
    label: str
    expected: int  # episodes that should have both scores by now
    missing_pre: int
    missing_post: int
    result: stats.PrePost


@dataclass(slots=True)
class InstrumentOutcome:
    instrument: instruments.Instrument
    comparisons: list[Comparison] = field(default_factory=list)


@dataclass(slots=True)
class GroupOutcome:
    key: int | None
    label: str
    episodes: int
    instruments: list[InstrumentOutcome] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Filters:
    program_ids: frozenset[int]
    start: dt.date
    end: dt.date
    group_by: GroupBy
    today: dt.date


@dataclass(frozen=True, slots=True)
class _Episode:
    pk: int
    program_id: int
    group: int | None
    label: str
    discharged_on: dt.date


def _episodes(filters: Filters) -> list[_Episode]:
    fields = _GROUP_FIELDS[filters.group_by]
    rows = (
        EpisodeOfCare.objects.filter(
            program_id__in=filters.program_ids,
            state=EpisodeState.DISCHARGED,
            admitted_on__isnull=False,
            discharged_on__range=(filters.start, filters.end),
        )
        .order_by("pk")
        .values_list("pk", "program_id", "discharged_on", *fields)
    )
    episodes = []
    for pk, program_id, discharged_on, group, *names in rows:
        label = " ".join(n for n in names if n) or "Not assigned"
        episodes.append(_Episode(pk, program_id, group, label, discharged_on))
    return episodes


def _scores(filters: Filters) -> dict[int, dict[tuple[str, str], int]]:
    timepoints = [Timepoint.INTAKE, *(c[0] for c in COMPARISONS)]
    rows = MeasureResponse.objects.filter(
        timepoint__in=timepoints,
        episode__program_id__in=filters.program_ids,
        episode__state=EpisodeState.DISCHARGED,
        episode__admitted_on__isnull=False,
        episode__discharged_on__range=(filters.start, filters.end),
    ).values_list("episode_id", "instrument", "timepoint", "total")
    scores: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for episode_id, instrument, timepoint, total in rows.iterator(chunk_size=20_000):
        scores[episode_id][(instrument, timepoint)] = total
    return scores


def _schedules(program_ids: frozenset[int]) -> dict[int, set[tuple[str, str]]]:
    result: dict[int, set[tuple[str, str]]] = defaultdict(set)
    rows = ScheduleEntry.objects.filter(program_id__in=program_ids)
    for program_id, instrument, timepoint in rows.values_list(
        "program_id", "instrument", "timepoint"
    ):
        result[program_id].add((instrument, timepoint))
    return result


def outcomes_report(filters: Filters) -> tuple[GroupOutcome, list[GroupOutcome]]:
    """The whole selection as one group, then each group. Three queries."""
    episodes = _episodes(filters)
    scores = _scores(filters)
    schedules = _schedules(filters.program_ids)
    grouped: dict[int | None, list[_Episode]] = defaultdict(list)
    for episode in episodes:
        grouped[episode.group].append(episode)
    overall = _group(None, "All selected episodes", episodes, scores, schedules, filters.today)
    groups = [
        _group(key, members[0].label, members, scores, schedules, filters.today)
        for key, members in sorted(grouped.items(), key=lambda kv: kv[1][0].label)
    ]
    return overall, groups


def _group(
    key: int | None,
    label: str,
    episodes: list[_Episode],
    scores: dict[int, dict[tuple[str, str], int]],
    schedules: dict[int, set[tuple[str, str]]],
    today: dt.date,
) -> GroupOutcome:
    group = GroupOutcome(key, label, len(episodes))
    for instrument in instruments.INSTRUMENTS.values():
        expected = [e for e in episodes if (instrument.id, "intake") in schedules[e.program_id]]
        if not expected:
            continue
        outcome = InstrumentOutcome(instrument)
        for timepoint, title, days in COMPARISONS:
            due = [
                e
                for e in expected
                if (instrument.id, timepoint) in schedules[e.program_id]
                and e.discharged_on + dt.timedelta(days=days + FOLLOW_UP_WINDOW_DAYS) < today
            ]
            if due:
                outcome.comparisons.append(_compare(instrument, timepoint, title, due, scores))
        if outcome.comparisons:
            group.instruments.append(outcome)
    return group


def _compare(
    instrument: instruments.Instrument,
    timepoint: str,
    title: str,
    episodes: list[_Episode],
    scores: dict[int, dict[tuple[str, str], int]],
) -> Comparison:
    pairs: list[tuple[float, float]] = []
    missing_pre = missing_post = 0
    for episode in episodes:
        mine = scores.get(episode.pk, {})
        pre = mine.get((instrument.id, Timepoint.INTAKE))
        post = mine.get((instrument.id, timepoint))
        missing_pre += pre is None
        missing_post += post is None
        if pre is not None and post is not None:
            pairs.append((float(pre), float(post)))
    result = stats.pre_post(instrument.id, pairs, stats.NORMS.get(instrument.id))
    return Comparison(timepoint, title, len(episodes), missing_pre, missing_post, result)
