"""Benchmark: the weekly care-team meeting's agenda for a 200-patient program.

    .venv/bin/python -m bench.agenda [--patients 200] [--runs 5] [--seed 1]
        [--postgres-url postgres://postgres@127.0.0.1:5432/openiop_bench_agenda | --no-postgres]

The issue's target: the agenda of a 200-patient program builds in under a second. For each
database (SQLite in a temporary file, and PostgreSQL when it answers) this script, in a
freshly spawned process,

1. creates an empty database (PostgreSQL: a dedicated database whose name must contain
   "bench", dropped afterwards) and migrates it with ``OPENIOP_ENV=test``;
2. loads one program with ``--patients`` admitted patients and everything the builder reads
   (``bench.agenda_data``: measures with open safety alerts, eight weeks of sessions and
   attendance, drug screens, authorizations, treatment plans, attendance reviews);
3. times ``openiop.care_meetings.agenda.build_agenda`` (1 warm-up, then ``--runs`` timed
   runs; median and max), counts its queries, and times once the whole "Open this week's
   meeting" service (build, save the items, audit them);
4. writes ``bench/results/agenda.json`` and ``agenda.md`` with the machine and the date.

The data are anchored on today's date in the program's zone, from a seeded generator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench import report

TARGET_S = 1.0
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/openiop_bench_agenda"
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MEASURED = (
    "openiop/care_meetings/agenda.py",
    "openiop/care_meetings/facts.py",
    "engines/relapse/signal.py",
    "engines/relapse/plateau.py",
)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _postgres_admin(url: str, statements: list[str]) -> None:
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = str(conninfo_to_dict(url).get("dbname", ""))
    if "bench" not in name:
        raise SystemExit(f"Refusing to use database {name!r}: its name must contain 'bench'.")
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def _postgres_reachable(url: str) -> bool:
    import psycopg
    from psycopg.conninfo import make_conninfo

    try:
        with psycopg.connect(make_conninfo(url, dbname="postgres"), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _setup(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["OPENIOP_ENV"] = "test"
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            return str(cursor.fetchone()[0]).split(" on ")[0]
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def _time_builds(program: Any, week_start: dt.date, runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openiop.care_meetings.agenda import build_agenda

    with CaptureQueriesContext(connection) as queries:
        agenda = build_agenda(program, week_start=week_start)  # also the warm-up
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        build_agenda(program, week_start=week_start)
        seconds.append(time.perf_counter() - started)
    reasons: dict[str, int] = {}
    for entry in agenda.entries:
        for reason in entry.reasons:
            reasons[reason["code"]] = reasons.get(reason["code"], 0) + 1
    return {
        "queries": len(queries),
        "patients_considered": agenda.considered,
        "patients_on_agenda": len(agenda.entries),
        "reasons": dict(sorted(reasons.items())),
        "runs_s": [round(s, 4) for s in seconds],
        "min_s": round(min(seconds), 4),
        "median_s": round(statistics.median(seconds), 4),
        "max_s": round(max(seconds), 4),
    }


def measure(url: str, patients: int, runs: int, seed: int) -> dict[str, Any]:
    """In a spawned process: migrate the empty database at ``url``, load, time."""
    started = time.perf_counter()
    _setup(url)
    migrated = time.perf_counter() - started
    from bench.agenda_data import load
    from openiop.care_meetings.agenda import week_start_of
    from openiop.care_meetings.services import care_meeting_open
    from openiop.core import clock
    from openiop.core.actor import Actor

    mark = time.perf_counter()
    now = clock.now()
    loaded = load(patients=patients, seed=seed, today=clock.localdate(_zone(), now), now=now)
    loading = time.perf_counter() - mark
    today = clock.localdate(loaded.program.zone)
    timing = _time_builds(loaded.program, week_start_of(today), runs)
    mark = time.perf_counter()
    meeting = care_meeting_open(
        actor=Actor.system("bench-agenda"), program=loaded.program, by=loaded.director
    )
    timing["open_meeting_once_s"] = round(time.perf_counter() - mark, 4)
    timing["items_saved"] = meeting.items.count()
    return {
        "database": _database_version(),
        "today": today.isoformat(),
        "migrate_s": round(migrated, 1),
        "load_s": round(loading, 1),
        "rows": loaded.counts,
        **timing,
    }


def _zone() -> Any:
    from bench.agenda_data import ZONE

    return ZONE


def _in_child(url: str, args: argparse.Namespace) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(measure, url, args.patients, args.runs, args.seed).result()


def _sqlite(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="openiop-bench-agenda-") as directory:
        return _in_child(f"sqlite:///{directory}/bench.sqlite3", args)


def _postgres(args: argparse.Namespace) -> dict[str, Any]:
    drop = "DROP DATABASE IF EXISTS {} WITH (FORCE)"
    _postgres_admin(args.postgres_url, [drop, "CREATE DATABASE {}"])
    try:
        return _in_child(args.postgres_url, args)
    finally:
        _postgres_admin(args.postgres_url, [drop])


def _commit() -> str:
    """The checked-out commit, read from .git without running git."""
    head = ROOT / ".git" / "HEAD"
    try:
        ref = head.read_text().strip()
        if not ref.startswith("ref: "):
            return ref
        name = ref.removeprefix("ref: ")
        loose = ROOT / ".git" / name
        if loose.exists():
            return loose.read_text().strip()
        for line in (ROOT / ".git" / "packed-refs").read_text().splitlines():
            if line.endswith(" " + name):
                return line.split()[0]
    except OSError:
        pass
    return "unknown"


def _code() -> dict[str, Any]:
    return {
        "commit": _commit(),
        "sha256": {
            path: hashlib.sha256((ROOT / path).read_bytes()).hexdigest()[:12] for path in MEASURED
        },
    }


def _row(name: str, r: dict[str, Any]) -> str:
    ok = "yes" if r["max_s"] < TARGET_S else "**no**"
    return (
        f"| {name} ({r['database']}) | {r['patients_considered']} | {r['patients_on_agenda']} "
        f"| {r['queries']} | {r['min_s']:.3f} | {r['median_s']:.3f} | {r['max_s']:.3f} | {ok} "
        f"| {r['open_meeting_once_s']:.3f} |"
    )


def markdown(result: dict[str, Any]) -> str:
    m, p = result["machine"], result["parameters"]
    backends = result["backends"]
    first = next(iter(backends.values()))
    rows = first["rows"]
    reasons = ", ".join(f"{k} {v}" for k, v in first["reasons"].items())
    lines = [
        "# Care-team meeting agenda benchmark",
        "",
        f"`python -m bench.agenda --patients {p['patients']} --runs {p['runs']} --seed "
        f"{p['seed']}` on {result['date']}, {m['cpu_count']} × {m['cpu_model'] or 'CPU'}, "
        f"{m['memory_gib']} GiB, {m['platform']}, Python {m['python']}, Django {m['django']}.",
        "",
        f"Data (per database): one program, {rows['patients']} admitted patients, "
        f"{rows['measure_responses']:,} questionnaire responses, "
        f"{rows['open_safety_alerts']} open safety alerts, {rows['sessions']:,} sessions, "
        f"{rows['attendance']:,} attendance records, {rows['drug_screens']:,} drug screens, "
        f"{rows['authorizations']} authorizations, {rows['active_plans']} active treatment "
        f"plans, {rows['open_attendance_reviews']} open attendance reviews (bench/agenda_data.py).",
        f"Timed: `build_agenda(program, week_start=…)`, 1 warm-up then {p['runs']} runs; "
        f"target: the slowest run under {TARGET_S:g} s. Also timed once: the whole "
        '"Open this week\'s meeting" service (build, save every item, audit each patient).',
        "",
        "| database | patients | on the agenda | queries | min s | median s | max s "
        f"| < {TARGET_S:g} s | open meeting once s |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|---:|",
        *(_row(name, r) for name, r in backends.items()),
        "",
        f"Reasons on the agenda: {reasons}. The data are deliberately busy (every kind of "
        "reason occurs), so most patients are on the agenda and every rule does its work.",
        f"Host load average (1 min) after timing: {result['load_average_1m_after']} on "
        f"{m['cpu_count']} CPUs (a shared machine: other work makes single runs noisy).",
        "",
        f"Measured code: commit {result['code']['commit'][:12]}; "
        + ", ".join(f"`{k}` sha256 {v}" for k, v in result["code"]["sha256"].items())
        + ".",
    ]
    if result.get("skipped"):
        lines += ["", f"Not measured: {result['skipped']}."]
    return "\n".join(lines) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.agenda", description=__doc__)
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--results", type=Path, default=RESULTS, help="output directory")
    return parser


def main(argv: list[str] | None = None) -> int:
    import json

    args = _parser().parse_args(argv)
    if not 10 <= args.patients <= 5000 or args.runs < 1:
        raise SystemExit("--patients must be 10–5000 and --runs at least 1.")
    backends: dict[str, Any] = {}
    skipped = ""
    _say(f"SQLite: migrating, loading {args.patients} patients, timing …")
    backends["sqlite"] = _sqlite(args)
    if args.no_postgres:
        skipped = "PostgreSQL (--no-postgres)"
    elif _postgres_reachable(args.postgres_url):
        _say("PostgreSQL: migrating, loading, timing …")
        backends["postgresql"] = _postgres(args)
    else:
        skipped = f"PostgreSQL (no server answered at {args.postgres_url})"
    result = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": report.host_machine(),
        "parameters": {"patients": args.patients, "runs": args.runs, "seed": args.seed},
        "target_s": TARGET_S,
        "code": _code(),
        "backends": backends,
        "skipped": skipped,
        "load_average_1m_after": round(os.getloadavg()[0], 2),
    }
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "agenda.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    )
    (args.results / "agenda.md").write_text(markdown(result))
    for name, r in backends.items():
        verdict = "meets" if r["max_s"] < TARGET_S else "MISSES"
        _say(
            f"  {name:<10} {r['patients_on_agenda']}/{r['patients_considered']} on the agenda, "
            f"{r['queries']} queries, median {r['median_s']:.3f} s, max {r['max_s']:.3f} s: "
            f"{verdict} the {TARGET_S:g} s target"
        )
    _say(f"Wrote {args.results / 'agenda.json'} and {args.results / 'agenda.md'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
