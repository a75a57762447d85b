"""Program outcomes: intake against discharge and against the 1- and 6-month follow-ups, per
instrument, grouped by program, track, cohort or clinician. Aggregates only (no names).

Which episodes count: those admitted and discharged within the date range. An episode is
*expected* to have an intake-to-later pair when its program schedules the instrument at both
timepoints and the later window has closed; the report counts each missing intake, discharge
or follow-up score instead of leaving it out.

The database does the heavy lifting and returns aggregates only, never a row per response or
per pair: episodes due, responses answered, and for the (intake, later) pairs their integer
sums (n, Σ, Σ², cross products) and how many meet each per-pair rule, counted with the rule
numbers of ``engines.outcomes.rule_cuts``. ``engines.outcomes.pre_post_summed`` turns those into
the statistics (exact moments from integer sums). Aggregates add up, so the whole selection is
the sum of its groups. Five queries.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.paginator import Page, Paginator
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
    """What the queries return for one group and program; every part adds up across groups."""

    due: Counter[str] = field(default_factory=Counter)  # comparison -> episodes due
    answered: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    # (instrument, later timepoint) -> the pair query's 13 numbers: PairSums then PairCounts.
    pairs: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add_pairs(self, key: tuple[str, str], values: list[int]) -> None:
        totals = self.pairs.get(key)
        if totals is None:
            self.pairs[key] = list(values)
        else:
            for i, value in enumerate(values):
                totals[i] += value


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


def _due(alias: str, cuts: list[dt.date]) -> tuple[str, list[Any]]:
    """One 0/1 column per comparison: the episode is due for it (its later window has closed)."""
    sql = ", ".join(
        f"SUM(CASE WHEN e.discharged_on < %s THEN 1 ELSE 0 END) AS {alias}{i}"
        for i in range(len(cuts))
    )
    return sql, list(cuts)


def _pair_due(cuts: list[dt.date]) -> tuple[str, list[Any]]:
    """The later response ``r2`` belongs to a comparison its episode is due for."""
    sql = " OR ".join("(r2.timepoint = %s AND e.discharged_on < %s)" for _ in COMPARISONS)
    return f"({sql})", [
        v
        for (timepoint, _, _), cut in zip(COMPARISONS, cuts, strict=True)
        for v in (timepoint, cut)
    ]


def _rule_cuts() -> tuple[str, list[Any]]:
    """A ``cuts`` table of each normed instrument's rule numbers (engines.outcomes.rule_cuts),
    so that the database counts pairs with exactly the engine's rules."""
    rows, params = [], []
    for instrument, norms in sorted(stats.NORMS.items()):
        cut = stats.rule_cuts(norms)
        rows.append(
            "(%s, CAST(%s AS INTEGER), CAST(%s AS DOUBLE PRECISION),"
            " CAST(%s AS DOUBLE PRECISION), CAST(%s AS DOUBLE PRECISION))"
        )
        params += [instrument, cut.sign, cut.min_change, cut.cutoff, cut.remission_below]
    values = ", ".join(rows)
    return f"cuts(instrument, sign, min_change, cutoff, remission) AS (VALUES {values})", params


# Sums and rule counts of the pairs (``a`` intake, ``b`` later total); each CASE mirrors one
# rule of engines.outcomes.RuleCuts (its docstring states them), with gain = sign·(a - b).
_PAIR_STATISTICS = """COUNT(*), SUM(a), SUM(b), SUM(a * a), SUM(b * b), SUM(a * b),
 SUM(CASE WHEN a > 0 AND 2 * b <= a THEN 1 ELSE 0 END),
 SUM(CASE WHEN sign * (a - b) >= min_change THEN 1 ELSE 0 END),
 SUM(CASE WHEN sign * (b - a) >= min_change THEN 1 ELSE 0 END),
 SUM(CASE WHEN sign * (a - b) >= min_change AND sign * a >= sign * cutoff
     AND sign * b < sign * cutoff THEN 1 ELSE 0 END),
 SUM(CASE WHEN sign * a < sign * cutoff THEN 1 ELSE 0 END),
 SUM(CASE WHEN sign * b < sign * remission THEN 1 ELSE 0 END),
 SUM(CASE WHEN sign * b < sign * cutoff THEN 1 ELSE 0 END)"""


# PostgreSQL's default 4 MB of sort/hash memory makes the pair join spill to disk at a
# million responses; the report's own transaction gets more (SET LOCAL).
_REPORT_WORK_MEM = "64MB"


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Runs inside ``_tallies``' transaction, where PostgreSQL has the larger work_mem."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@transaction.atomic
def _tallies(filters: Filters) -> dict[_Key, dict[int, _Tally]]:
    """Per group and program: episodes due per comparison, responses answered per timepoint
    among them, and the sums and rule counts of their (intake, later) pairs. Three queries
    that return aggregates only; every row is also added under ALL (aggregates add up)."""
    group = _GROUP_SQL[filters.group_by]
    where, params = _where(filters)
    cuts = _cut_dates(filters.today)
    timepoints = [c[0] for c in COMPARISONS]
    episodes, responses = EpisodeOfCare._meta.db_table, MeasureResponse._meta.db_table
    tallies: dict[_Key, dict[int, _Tally]] = defaultdict(lambda: defaultdict(_Tally))
    if connection.vendor == "postgresql":
        _rows("SELECT set_config('work_mem', %s, true)", [_REPORT_WORK_MEM])

    def each(key: _Key, program: int) -> tuple[_Tally, _Tally]:
        return tallies[key][program], tallies[ALL][program]

    # Constant SQL only (table names, aliases, placeholders); every value is a parameter.
    due, due_params = _due("due", cuts)
    sql = f"SELECT {group}, e.program_id, {due} FROM {episodes} e{where} GROUP BY 1, 2"  # noqa: S608
    for key, program, *counts in _rows(sql, [*due_params, *params]):
        for tally in each(key, program):
            tally.due.update(dict(zip(timepoints, map(int, counts), strict=True)))
    sql = (
        f"SELECT {group}, e.program_id, r.instrument, r.timepoint, {due}"  # noqa: S608
        f" FROM {responses} r JOIN {episodes} e ON e.id = r.episode_id{where}"
        " AND r.timepoint IN (%s, %s, %s, %s) GROUP BY 1, 2, 3, 4"
    )
    for key, program, instrument, timepoint, *counts in _rows(
        sql, [*due_params, *params, Timepoint.INTAKE, *timepoints]
    ):
        for tally in each(key, program):
            for comparison, count in zip(timepoints, counts, strict=True):
                tally.answered[(instrument, timepoint, comparison)] += int(count)
    for key, program, instrument, timepoint, *values in _pairs(group, where, params, cuts):
        numbers = [int(v or 0) for v in values]  # SUM() of no rows is NULL; PG sums are Decimal
        for tally in each(key, program):
            tally.add_pairs((instrument, timepoint), numbers)
    return tallies


def _pairs(group: str, where: str, params: list[Any], cuts: list[dt.date]) -> list[tuple[Any, ...]]:
    """Each episode's intake total joined to its later totals (one response per episode,
    instrument and timepoint), summed per group, program, instrument and later timepoint."""
    episodes, responses = EpisodeOfCare._meta.db_table, MeasureResponse._meta.db_table
    cuts_table, cut_params = _rule_cuts()
    due, due_params = _pair_due(cuts)
    sql = (
        f"WITH {cuts_table} SELECT grp, program_id, instrument, timepoint, {_PAIR_STATISTICS}"  # noqa: S608
        " FROM (SELECT "
        f"{group} AS grp, e.program_id, r1.instrument, r2.timepoint,"
        " CAST(r1.total AS INTEGER) AS a, CAST(r2.total AS INTEGER) AS b"
        f" FROM {responses} r1 JOIN {responses} r2"
        " ON r2.episode_id = r1.episode_id AND r2.instrument = r1.instrument"
        f" JOIN {episodes} e ON e.id = r1.episode_id{where}"
        f" AND r1.timepoint = %s AND {due}) pairs"
        " LEFT JOIN cuts USING (instrument) GROUP BY 1, 2, 3, 4"
    )
    return _rows(sql, [*cut_params, *params, Timepoint.INTAKE, *due_params])


def _labels(group_by: GroupBy, keys: set[int]) -> dict[int, str]:
    if group_by is GroupBy.CLINICIAN:
        users = User.objects.filter(pk__in=keys).values_list("pk", "first_name", "last_name")
        return {pk: f"{first} {last}".strip() for pk, first, last in users}
    model = {GroupBy.PROGRAM: Program, GroupBy.TRACK: Track, GroupBy.COHORT: Cohort}[group_by]
    return dict(model.objects.filter(pk__in=keys).values_list("pk", "name"))  # type: ignore[attr-defined]


GROUPS_PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class OutcomesReport:
    """The whole selection as one group, and the groups sorted by name: all of them, or one
    page of them when a page was asked for (``page`` is then the Paginator page of
    (label, key) entries, for the page's navigation)."""

    overall: GroupOutcome
    groups: list[GroupOutcome]
    page: Page[tuple[str, _Key]] | None = None


def outcomes_report(filters: Filters, *, page: str | int | None = None) -> OutcomesReport:
    """The report. ``page`` None computes every group (the exports); a page number computes
    only that page's GROUPS_PER_PAGE groups (Paginator.get_page: a bad or out-of-range number
    gives the first or last page), so a selection of thousands of cohorts stays quick. The
    overall row always covers the whole selection. Five queries."""
    if not filters.program_ids:
        empty = GroupOutcome(None, "All selected episodes", 0)
        return OutcomesReport(
            empty, [], Paginator([], GROUPS_PER_PAGE).get_page(page) if page is not None else None
        )
    tallies = _tallies(filters)
    schedules = {p: set(pairs) for p, pairs in schedules_by_program(filters.program_ids).items()}
    labels = _labels(filters.group_by, {k for k in tallies if isinstance(k, int)})
    overall = _group(None, "All selected episodes", tallies.get(ALL, {}), schedules)
    entries = sorted(
        (
            (labels.get(key, "Not assigned") if isinstance(key, int) else "Not assigned", key)
            for key in tallies
            if key != ALL
        ),
        key=lambda entry: (entry[0], entry[1] is None, entry[1] or 0),
    )
    chosen = None if page is None else Paginator(entries, GROUPS_PER_PAGE).get_page(page)
    shown = entries if chosen is None else chosen.object_list
    groups = [_group(key, label, tallies[key], schedules) for label, key in shown]
    return OutcomesReport(overall, groups, chosen)


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
    key = (instrument.id, timepoint)
    numbers = [
        sum(column)
        for column in zip(*(t.pairs[key] for t in tallies if key in t.pairs), strict=True)
    ]
    sums, counts = (
        (stats.PairSums(*numbers[:6]), stats.PairCounts(*numbers[6:]))
        if numbers
        else (stats.PairSums(), stats.PairCounts())
    )
    with_pre = sum(t.answered[(instrument.id, Timepoint.INTAKE, timepoint)] for t in tallies)
    with_post = sum(t.answered[(instrument.id, timepoint, timepoint)] for t in tallies)
    result = stats.pre_post_summed(instrument.id, sums, counts, stats.NORMS.get(instrument.id))
    return Comparison(timepoint, title, expected, expected - with_pre, expected - with_post, result)
