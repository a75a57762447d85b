"""Time ``outcomes_report`` against the loaded database, in a fresh process.

What is timed is the report page: the overall row and the first page of groups
(``page=1``). Computing every group (what the CSV and PDF downloads do) is timed once per
grouping and reported beside it.

``measure`` is meant to run in a spawned child (see ``bench.outcomes``) so that its peak RSS
is the report's, not the generator's. It sets Django up itself; Django is imported lazily so
that the parent can pickle a reference to it before any settings exist.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any


@dataclass(frozen=True, slots=True)
class Window:
    start: dt.date
    end: dt.date
    today: dt.date


def _cpu_times() -> list[int]:
    with open("/proc/stat") as stat:
        return [int(v) for v in stat.readline().split()[1:]]


def _host(before: list[int], after: list[int]) -> dict[str, float]:
    """Load and CPU steal while timing: on a shared virtual machine they explain noise."""
    delta = [b - a for a, b in zip(before, after, strict=False)]
    total = sum(delta) or 1
    return {
        "load_average_1m_after": round(os.getloadavg()[0], 2),
        "cpu_busy_share": round(1 - (delta[3] + delta[4]) / total, 3),
        "cpu_steal_share": round(delta[7] / total, 3) if len(delta) > 7 else 0.0,
    }


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@contextmanager
def _timed(module: ModuleType, name: str, into: dict[str, float]) -> Iterator[None]:
    """Replace ``module.name`` (when it exists) by a wrapper that adds its wall time to
    ``into["statistics"]``."""
    original: Callable[..., Any] | None = getattr(module, name, None)
    if original is None:
        yield
        return
    wrapped: Callable[..., Any] = original

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return wrapped(*args, **kwargs)
        finally:
            into["statistics"] += time.perf_counter() - started

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, original)


def _phases(filters: Any) -> dict[str, float]:
    """One extra run split into time inside SQL ``execute`` calls, inside the statistics engine
    (``engines.outcomes.pre_post`` / ``pre_post_counted`` / ``pre_post_summed``, however the
    selector calls them),
    and the rest: fetching rows and Python work in the selector. Independent of the selector's
    private helpers, so it keeps working when they change."""
    from django.db import connection

    import engines.outcomes
    from openiop.measures.outcomes import outcomes_report

    spent = {"sql": 0.0, "statistics": 0.0}

    def in_sql(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["sql"] += time.perf_counter() - started

    started = time.perf_counter()
    with (
        connection.execute_wrapper(in_sql),
        _timed(engines.outcomes, "pre_post", spent),
        _timed(engines.outcomes, "pre_post_counted", spent),
        _timed(engines.outcomes, "pre_post_summed", spent),
    ):
        outcomes_report(filters, page=1)
    total = time.perf_counter() - started
    return {
        "sql_execute": spent["sql"],
        "statistics": spent["statistics"],
        "python_and_fetch": total - spent["sql"] - spent["statistics"],
        "total": total,
    }


_DECLARE = re.compile(r"^DECLARE .*? CURSOR .*?FOR ", re.DOTALL)


def _is_data_query(sql: str) -> bool:
    """A report query, not transaction control (BEGIN, SAVEPOINT, COMMIT) or a setting."""
    text = sql.lstrip().upper()
    return text.startswith(("SELECT", "WITH", "DECLARE")) and "SET_CONFIG(" not in text


def _explain(sql: str) -> dict[str, float]:
    """Server-side planning and execution time of one captured query (a server-side
    cursor's DECLARE is explained as its SELECT)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {_DECLARE.sub('', sql)}")
        plan = cursor.fetchone()[0][0]
    return {
        "planning_ms": plan["Planning Time"],
        "execution_ms": plan["Execution Time"],
        "rows": plan["Plan"]["Actual Rows"],
    }


def _covered(filters: Any) -> dict[str, int]:
    """The responses the report summarizes: intake and the compared timepoints of the
    episodes in scope (however the selector reads them)."""
    from openiop.measures.models import MeasureResponse
    from openiop.measures.outcomes import COMPARISONS
    from openiop.patients.models import EpisodeState

    responses = MeasureResponse.objects.filter(
        timepoint__in=["intake", *(c[0] for c in COMPARISONS)],
        episode__program_id__in=filters.program_ids,
        episode__state=EpisodeState.DISCHARGED,
        episode__admitted_on__isnull=False,
        episode__discharged_on__range=(filters.start, filters.end),
    )
    return {
        "responses_in_scope": responses.count(),
        "responses_in_table": MeasureResponse.objects.count(),
    }


def _grouping(filters: Any, runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openiop.measures.outcomes import outcomes_report

    with CaptureQueriesContext(connection) as captured:
        report = outcomes_report(filters, page=1)  # warm-up, and the query count
    data_queries = [q["sql"] for q in captured.captured_queries if _is_data_query(q["sql"])]
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        outcomes_report(filters, page=1)
        seconds.append(time.perf_counter() - started)
    # The downloads compute every group, not one page: timed too, for the record.
    started = time.perf_counter()
    every = outcomes_report(filters)
    every_s = time.perf_counter() - started
    overall = report.overall
    pairs = sum(c.result.n_pairs for i in overall.instruments for c in i.comparisons)
    return {
        "group_by": str(filters.group_by),
        "runs_s": [round(s, 4) for s in seconds],
        "min_s": round(min(seconds), 4),
        "median_s": round(statistics.median(seconds), 4),
        "max_s": round(max(seconds), 4),
        "queries": len(data_queries),
        "episodes": overall.episodes,
        "groups": len(every.groups),
        "groups_on_page": len(report.groups),
        "every_group_s": round(every_s, 4),
        "pairs_overall": pairs,
        "phases_s": {k: round(v, 4) for k, v in _phases(filters).items()},
        "explain": [_explain(sql) for sql in data_queries],
        "sql": data_queries,
    }


def measure(database_url: str, window: Window, runs: int) -> dict[str, Any]:
    """1 warm-up and ``runs`` timed runs of the report per grouping, over every program."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["OPENIOP_ENV"] = "test"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from openiop.measures.outcomes import Filters, GroupBy
    from openiop.programs.models import Program

    program_ids = frozenset(Program.objects.values_list("pk", flat=True))
    rss_before = _rss_mib()
    results = []
    cpu_before = _cpu_times()
    for group_by in GroupBy:
        filters = Filters(program_ids, window.start, window.end, group_by, window.today)
        results.append(_grouping(filters, runs))
    host = _host(cpu_before, _cpu_times())
    peak = _peak_rss_mib()
    return {
        "host_while_timing": host,
        "programs": len(program_ids),
        **_covered(Filters(program_ids, window.start, window.end, GroupBy.PROGRAM, window.today)),
        "rss_before_report_mib": round(rss_before, 1),
        "peak_rss_mib": round(peak, 1),
        "groupings": results,
    }
