"""Program outcomes: intake against discharge and against the 1- and 6-month follow-ups, per
instrument, grouped by program, track, cohort or clinician. Aggregates only (no names).

Which episodes count: those admitted and discharged within the date range. An episode is
*expected* to have an intake-to-later pair when its program schedules the instrument at both
timepoints and the later window has closed; the report counts each missing intake, discharge
or follow-up score instead of leaving it out.

The database does the heavy lifting: it returns counts, and the pairs as counts of distinct
(intake total, later total) per group, never one row per response. Totals are small integers,
so a million responses come back as a few thousand rows; the statistics are then computed by
``engines.outcomes.pre_post_counted``, the same rules the rest of OpenIOP uses. Four queries.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import connection, transaction

import engines.instruments as instruments
import engines.outcomes as stats
from openiop.accounts.models import User
from openiop.measures.models import MeasureResponse, Timepoint
from openiop.measures.schedule import schedules_by_program
from openiop.patients.models import CareTeam, EpisodeOfCare, EpisodeState
from openiop.programs.models import Cohort, Program, Track

FOLLOW_UP_WINDOW_DAYS = 14


class GroupBy(StrEnum):
    PROGRAM = "program"
    TRACK = "track"
    COHORT = "cohort"
    CLINICIAN = "clinician"


# The SQL expression of each grouping (``ct`` is the care team, joined for clinicians).
_GROUP_SQL: dict[GroupBy, str] = {
    GroupBy.PROGRAM: "e.program_id",
    GroupBy.TRACK: "e.track_id",
    GroupBy.COHORT: "e.cohort_id",
    GroupBy.CLINICIAN: "ct.primary_therapist_id",
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


ALL = "all"  # the key under which every row is also added: the whole selection
_Key = int | None | str


@dataclass(slots=True)
class _Tally:
    """What the queries return for one group and program."""

    due: Counter[str] = field(default_factory=Counter)  # comparison -> episodes due
    answered: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    pairs: dict[tuple[str, str], Counter[tuple[float, float]]] = field(
        default_factory=lambda: defaultdict(Counter)
    )


def _cut_dates(today: dt.date) -> list[dt.date]:
    """An episode is due for a comparison once the later window has closed."""
    return [today - dt.timedelta(days=days + FOLLOW_UP_WINDOW_DAYS) for _, _, days in COMPARISONS]


def _where(filters: Filters) -> tuple[str, list[Any]]:
    """The episodes in scope (alias ``e``) and, joined for the clinician grouping, their care
    team (alias ``ct``). Every value is a query parameter; only constant SQL is composed."""
    care_teams = CareTeam._meta.db_table
    ids = sorted(filters.program_ids)
    sql = (
        f" LEFT JOIN {care_teams} ct ON ct.episode_id = e.id"
        f" WHERE e.program_id IN ({', '.join(['%s'] * len(ids))})"
        " AND e.state = %s AND e.admitted_on IS NOT NULL AND e.discharged_on BETWEEN %s AND %s"
    )
    return sql, [*ids, EpisodeState.DISCHARGED, filters.start, filters.end]


_DUE = ", ".join(
    f"SUM(CASE WHEN e.discharged_on < %s THEN 1 ELSE 0 END) AS due{i}"
    for i in range(len(COMPARISONS))
)


# PostgreSQL's default 4 MB of sort/hash memory makes the per-episode aggregation spill to
# disk at a million responses; the report's own transaction gets more (SET LOCAL).
_REPORT_WORK_MEM = "64MB"


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('work_mem', %s, true)", [_REPORT_WORK_MEM])
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _tallies(filters: Filters) -> dict[_Key, dict[int, _Tally]]:
    """Episodes due per comparison, then each episode's intake and later totals pivoted into
    one row per episode and instrument, counted by distinct combination; every row is also
    added under ALL. Two queries, each one pass over the rows in scope."""
    group = _GROUP_SQL[filters.group_by]
    where, params = _where(filters)
    cuts = _cut_dates(filters.today)
    timepoints = [c[0] for c in COMPARISONS]
    episodes, responses = EpisodeOfCare._meta.db_table, MeasureResponse._meta.db_table
    tallies: dict[_Key, dict[int, _Tally]] = defaultdict(lambda: defaultdict(_Tally))
    # Constant SQL only (table names, aliases, placeholders); every value is a parameter.
    sql = f"SELECT {group}, e.program_id, {_DUE} FROM {episodes} e{where} GROUP BY 1, 2"  # noqa: S608
    for key, program, *counts in _rows(sql, [*cuts, *params]):
        for tally in (tallies[key][program], tallies[ALL][program]):
            tally.due.update(dict(zip(timepoints, map(int, counts), strict=True)))
    later = ", ".join(f"MAX(CASE WHEN r.timepoint = %s THEN r.total END) AS t{i}" for i in range(3))
    due = ", ".join(f"CASE WHEN e.discharged_on < %s THEN 1 ELSE 0 END AS d{i}" for i in range(3))
    sql = (
        "SELECT grp, program_id, instrument, pre, t0, t1, t2, d0, d1, d2, COUNT(*) FROM ("  # noqa: S608
        f"SELECT {group} AS grp, e.program_id, r.instrument,"
        " MAX(CASE WHEN r.timepoint = %s THEN r.total END) AS pre,"
        f" {later}, {due} FROM {responses} r JOIN {episodes} e ON e.id = r.episode_id{where}"
        " AND r.timepoint IN (%s, %s, %s, %s)"
        f" GROUP BY e.id, {group}, e.program_id, r.instrument, e.discharged_on"
        ") per_episode GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"
    )
    values = [Timepoint.INTAKE, *timepoints, *cuts, *params, Timepoint.INTAKE, *timepoints]
    for key, program, instrument, pre, *rest in _rows(sql, values):
        totals, due_flags, count = rest[:3], rest[3:6], int(rest[6])
        for tally in (tallies[key][program], tallies[ALL][program]):
            _tally_row(tally, instrument, pre, totals, due_flags, count)
    return tallies


def _tally_row(
    tally: _Tally,
    instrument: str,
    pre: int | None,
    totals: list[int | None],
    due_flags: list[int],
    count: int,
) -> None:
    for (timepoint, _, _), post, due in zip(COMPARISONS, totals, due_flags, strict=True):
        if not due:
            continue
        if pre is not None:
            tally.answered[(instrument, Timepoint.INTAKE, timepoint)] += count
        if post is not None:
            tally.answered[(instrument, timepoint, timepoint)] += count
        if pre is not None and post is not None:
            tally.pairs[(instrument, timepoint)][(float(pre), float(post))] += count


def _labels(group_by: GroupBy, keys: set[int]) -> dict[int, str]:
    if group_by is GroupBy.CLINICIAN:
        users = User.objects.filter(pk__in=keys).values_list("pk", "first_name", "last_name")
        return {pk: f"{first} {last}".strip() for pk, first, last in users}
    model = {GroupBy.PROGRAM: Program, GroupBy.TRACK: Track, GroupBy.COHORT: Cohort}[group_by]
    return dict(model.objects.filter(pk__in=keys).values_list("pk", "name"))  # type: ignore[attr-defined]


def outcomes_report(filters: Filters) -> tuple[GroupOutcome, list[GroupOutcome]]:
    """The whole selection as one group, then each group, sorted by name. Four queries."""
    if not filters.program_ids:
        return GroupOutcome(None, "All selected episodes", 0), []
    tallies = _tallies(filters)
    schedules = {p: set(pairs) for p, pairs in schedules_by_program(filters.program_ids).items()}
    labels = _labels(filters.group_by, {k for k in tallies if isinstance(k, int)})
    overall = _group(None, "All selected episodes", tallies.get(ALL, {}), schedules)
    groups = [
        _group(
            key,
            labels.get(key, "Not assigned") if isinstance(key, int) else "Not assigned",
            by_program,
            schedules,
        )
        for key, by_program in tallies.items()
        if key != ALL
    ]
    return overall, sorted(groups, key=lambda g: g.label)


def _group(
    key: _Key,
    label: str,
    by_program: dict[int, _Tally],
    schedules: dict[int, set[tuple[str, str]]],
) -> GroupOutcome:
    episodes = sum(t.due[Timepoint.DISCHARGE] for t in by_program.values())
    group = GroupOutcome(key if isinstance(key, int) else None, label, episodes)
    for instrument in instruments.INSTRUMENTS.values():
        outcome = InstrumentOutcome(instrument)
        for timepoint, title, _ in COMPARISONS:
            scheduled = [
                (program, tally)
                for program, tally in by_program.items()
                if {(instrument.id, Timepoint.INTAKE), (instrument.id, timepoint)}
                <= schedules[program]
            ]
            expected = sum(t.due[timepoint] for _, t in scheduled)
            if expected:
                outcome.comparisons.append(
                    _compare(instrument, timepoint, title, expected, [t for _, t in scheduled])
                )
        if outcome.comparisons:
            group.instruments.append(outcome)
    return group


def _compare(
    instrument: instruments.Instrument,
    timepoint: str,
    title: str,
    expected: int,
    tallies: list[_Tally],
) -> Comparison:
    pairs: Counter[tuple[float, float]] = Counter()
    for tally in tallies:
        pairs.update(tally.pairs.get((instrument.id, timepoint), {}))
    with_pre = sum(t.answered[(instrument.id, Timepoint.INTAKE, timepoint)] for t in tallies)
    with_post = sum(t.answered[(instrument.id, timepoint, timepoint)] for t in tallies)
    result = stats.pre_post_counted(instrument.id, pairs, stats.NORMS.get(instrument.id))
    return Comparison(timepoint, title, expected, expected - with_pre, expected - with_post, result)
