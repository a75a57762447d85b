"""Benchmark: the program-outcomes report over a million synthetic responses on PostgreSQL.

    .venv/bin/python -m bench.outcomes [--responses 1000000]
        [--database-url postgres://postgres@127.0.0.1:5432/openiop_bench] [--seed 1] [--keep]

The issue's target: the outcomes report over 1M responses takes at most 2 s. This script

1. drops and creates a dedicated database (its name must contain "bench", so ``test``, a demo
   database or ``postgres`` can never be hit) and runs ``migrate`` on it with
   ``OPENIOP_ENV=test``;
2. plans a seeded, deterministic organization (``bench.plan``: 13 programs in six time zones,
   tracks, weekly cohorts, therapists sized to the caseload, patients with readmissions,
   about three years of episodes) and exactly ``--responses`` MeasureResponse rows
   (``bench.responses``: intake, weekly, discharge and follow-ups with realistic misses,
   answers valid for each instrument and scored by ``engines.instruments``);
3. loads it in bulk (``bench.load``): ``bulk_create`` for the small tables, COPY for the big
   ones. The database is a throwaway, so rows go in without the write services and without
   audit events; nothing is updated or deleted. Then ``VACUUM (ANALYZE)``;
4. times ``outcomes_report`` (``bench.timing``) in a freshly spawned process, per grouping:
   1 warm-up, ``--runs`` timed runs, the query count, episodes and responses covered, where
   the time goes, and the process's peak RSS;
5. writes ``bench/results/outcomes.json`` and ``outcomes.md``, prints a summary, and drops the
   database unless ``--keep``.

The data are anchored on ``--today`` (a fixed date by default), not on the clock, so a rerun
with the same arguments loads the same rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from bench import report, timing

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/openiop_bench"
DEFAULT_TODAY = dt.date(2026, 10, 31)
SPAN_DAYS = 3 * 365 + 120  # admissions over the last three years and four months
PROTECTED = frozenset({"test", "postgres", "template0", "template1"})
RESULTS = Path(__file__).resolve().parent / "results"


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _database_name(url: str) -> str:
    """The database the URL names; exits unless it is clearly a benchmark database."""
    name = str(conninfo_to_dict(url).get("dbname", ""))
    if name in PROTECTED or "bench" not in name:
        raise SystemExit(
            f"Refusing to use database {name!r}: the benchmark drops and recreates its "
            "database, so the name must contain 'bench' (e.g. openiop_bench)."
        )
    return name


def _admin(url: str, statements: list[sql.Composed]) -> None:
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _recreate(url: str) -> None:
    name = sql.Identifier(_database_name(url))
    _admin(
        url,
        [
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name),
            sql.SQL("CREATE DATABASE {}").format(name),
        ],
    )


def _close_connections() -> None:
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()


def _drop(url: str) -> None:
    name = sql.Identifier(_database_name(url))
    _admin(url, [sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name)])


def _setup_django(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["OPENIOP_ENV"] = "test"
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()


def _generate(args: argparse.Namespace) -> dict[str, Any]:
    from bench.answers import build_pools
    from bench.load import load, vacuum_analyze
    from bench.plan import seeded
    from bench.responses import fit, rows

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    plan, drops = fit(args.responses, args.seed, args.today, SPAN_DAYS)
    seconds["plan"] = time.perf_counter() - started
    mark = time.perf_counter()
    pools = build_pools(seeded(args.seed, "pools"))
    seconds["score_answer_pools"] = time.perf_counter() - mark
    responses = rows(plan, drops, pools, args.today, args.seed)
    seconds |= load(plan, responses, args.database_url)
    seconds["vacuum_analyze"] = vacuum_analyze(args.database_url)
    total = time.perf_counter() - started
    return {
        "total_s": round(total, 1),
        "steps_s": {k: round(v, 2) for k, v in seconds.items()},
        "rows": _counts(),
        "responses_by_timepoint": _breakdown("timepoint"),
        "responses_by_instrument": _breakdown("instrument"),
        "episodes_by_state": _episode_states(),
    }


_COUNTED = {
    "Organization": "organizations",
    "Site": "sites",
    "Program": "programs",
    "Track": "tracks",
    "Cohort": "cohorts",
    "ScheduleEntry": "schedule_entries",
    "User": "staff",
    "Membership": "memberships",
    "Patient": "patients",
    "EpisodeOfCare": "episodes",
    "CareTeam": "care_teams",
    "MeasureResponse": "measure_responses",
}


def _counts() -> dict[str, int]:
    from bench.load import MODELS

    return {_COUNTED[m.__name__]: m._default_manager.count() for m in MODELS}


def _breakdown(field: str) -> dict[str, int]:
    from django.db.models import Count

    from openiop.measures.models import MeasureResponse

    rows = MeasureResponse.objects.values_list(field).annotate(n=Count("pk")).order_by(field)
    return {str(key): n for key, n in rows}


def _episode_states() -> dict[str, int]:
    from django.db.models import Count

    from openiop.patients.models import EpisodeOfCare

    rows = EpisodeOfCare.objects.values_list("state").annotate(n=Count("pk")).order_by("state")
    return {str(state): n for state, n in rows}


def _postgres() -> tuple[str, dict[str, str]]:
    from django.db import connection

    settings = ("shared_buffers", "work_mem", "effective_cache_size", "jit")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = str(cursor.fetchone()[0])
        shown = {}
        for name in settings:
            cursor.execute(f"SHOW {name}")
            shown[name] = str(cursor.fetchone()[0])
    return version, shown


def _measure(args: argparse.Namespace, window: timing.Window) -> dict[str, Any]:
    """In a spawned process, so that its peak RSS is the report's alone."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(timing.measure, args.database_url, window, args.runs).result()


def _summary(result: dict[str, Any], paths: tuple[Path, Path]) -> None:
    generation = result["generation"]
    _say(
        f"Generated {generation['rows']['measure_responses']:,} responses "
        f"({generation['rows']['episodes']:,} episodes) in {generation['total_s']:.0f} s."
    )
    for g in result["timing"]["groupings"]:
        _say(
            f"  {g['group_by']:<9} {g['groups']:>5} groups  {g['queries']} queries  "
            f"min {g['min_s']:.3f}  median {g['median_s']:.3f}  max {g['max_s']:.3f} s  "
            f"{'meets' if report.met(g) else 'MISSES'} the {report.TARGET_S:g} s target"
        )
    _say(f"  peak RSS {result['timing']['peak_rss_mib']:.0f} MiB")
    _say(f"Wrote {paths[0]} and {paths[1]}.")


def _code() -> dict[str, Any]:
    """Which implementation was measured: the commit, and the measured files that differ
    from it (the selector and engines may be mid-change when the benchmark runs)."""
    root = Path(__file__).resolve().parent.parent
    selector = root / "openiop" / "measures" / "outcomes.py"
    git = shutil.which("git")
    commit, modified = "unknown", []
    if git is not None:
        paths = ["openiop/measures", "engines/outcomes", "engines/instruments"]
        run = functools.partial(subprocess.run, capture_output=True, text=True, cwd=root)
        commit = run([git, "rev-parse", "HEAD"]).stdout.strip() or "unknown"
        status = run([git, "status", "--porcelain", "--", *paths]).stdout
        modified = sorted(line[3:] for line in status.splitlines())
    return {
        "commit": commit,
        "modified": modified,
        "outcomes_sha256": hashlib.sha256(selector.read_bytes()).hexdigest(),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.outcomes", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per grouping")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=DEFAULT_TODAY, help="anchor date"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="output directory")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.responses < 1000:
        raise SystemExit("--responses must be at least 1000.")
    _database_name(args.database_url)
    _say(f"Recreating {_database_name(args.database_url)} and migrating …")
    _recreate(args.database_url)
    try:
        _setup_django(args.database_url)
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        _say(f"Generating {args.responses:,} responses (seed {args.seed}) …")
        generation = _generate(args)
        window = timing.Window(
            args.today - (SPAN_DAYS + 30) * dt.timedelta(days=1), args.today, args.today
        )
        _say("Timing outcomes_report …")
        measured = _measure(args, window)
        version, settings = _postgres()
        result = {
            "machine": report.machine(version, settings),
            "parameters": {
                "responses": args.responses,
                "seed": args.seed,
                "runs": args.runs,
                "today": args.today.isoformat(),
                "start": window.start.isoformat(),
                "end": window.end.isoformat(),
                "database": _database_name(args.database_url),
            },
            "code": _code(),
            "generation": generation,
            "timing": measured,
        }
        paths = report.write(args.results, result)
        _summary(result, paths)
    finally:
        if not args.keep:
            _close_connections()
            _drop(args.database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
