"""Benchmark: the weekly scheduling solver on fixed seeds of the generator's three sizes.

    .venv/bin/python -m bench.schedule [--sizes small medium large] [--seeds 1 2 3]
        [--time-limit 60] [--workers 8] [--results bench/results]

For each (size, seed), in a freshly spawned process (so that its peak RSS is that run's):

1. ``generate(size, seed)``: the instance and its planted week, whose objective is the
   first best-known value;
2. the greedy baseline: time, hard violations by type, objective;
3. ``solve`` with ``--time-limit`` and ``--workers`` (CP-SAT ``random_seed`` = the seed):
   time to the first hard-feasible week (model build included, and reported separately),
   the objective at 10 s and at the end, CP-SAT's bound, and the validator's verdict;
4. a re-plan: ``perturb`` discharges 5 % and admits 5 % (seeded), then ``solve`` again with
   the solved week as previous: assignments kept, cohort moves of continuing patients,
   therapist changes, time to the first feasible re-plan and wall time.

Gaps: to CP-SAT's bound, (objective - bound) / objective; to the best known,
(objective - best) / best, where best is the lowest objective any run of that instance
reached (the planted week or the solver). ``bench/results/schedule.{json,md}`` hold the
results with the date and the machine; the issue's goals are printed beside them. Tests do
not time anything; this script is where the figures come from.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench import report

RESULTS = Path(__file__).resolve().parent / "results"
SEEDS = (1, 2, 3)
# The goals on the 2-core machine (issue 5, deliverable 4).
GOALS = {
    "small": {"first_feasible_s": 0.5, "gap_best_60s": 0.01},
    "medium": {"first_feasible_s": 3.0, "gap_best_60s": 0.03},
    "large": {"first_feasible_s": 30.0, "gap_best_60s": 0.10},
}
GOAL_KEPT = 0.98
NOTES = (
    "How to read the gaps:",
    "",
    "- **Best known** is the lowest objective known for the instance: the generator's planted "
    "week or this run's solution, whichever is lower. No long reference run with an "
    'unrestricted model is recorded yet, so a gap of 0 % means "no better week is known", '
    'not "optimal".',
    "- The solver puts stability first (decision 0008): a part's re-solve never keeps fewer of "
    "last week's items, and cohort moves cost 50× in stage 1. That restriction costs "
    "objective: during development an unrestricted variant of the solver was reported at 282 "
    "on small seed 1, against 368 here (not reproduced by this benchmark). If that holds, "
    "small seed 1 is about 30 % above the best known, and the gap goals are not met in the "
    "strict sense; the re-plan figures are what the restriction buys. A recorded long "
    "reference run is the next step.",
    "- **Bound** is CP-SAT's bound of the restricted timetable models, summed over parts "
    '("—" when not every part was searched, as on large); it is not a bound on the '
    "whole problem. It can be negative (medium), which says only that it is weak.",
)


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _objective_at(trace: tuple[tuple[float, int], ...], seconds: float) -> int | None:
    """The incumbent at ``seconds`` after the solve started (None before the first one)."""
    found = [objective for elapsed, objective in trace if elapsed <= seconds]
    return found[-1] if found else None


def _solved(instance: Any, time_limit: float, workers: int, seed: int) -> dict[str, Any]:
    from engines.scheduling.solver import SolveOptions, solve
    from engines.scheduling.validator import validate

    started = time.perf_counter()
    result = solve(instance, SolveOptions(time_limit=time_limit, workers=workers, seed=seed))
    wall = time.perf_counter() - started
    checked = None if result.solution is None else validate(instance, result.solution)
    return {
        "result": result,
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "first_feasible_s": result.first_feasible_seconds,
        "build_s": round(result.build_seconds, 3),
        "wall_s": round(wall, 3),
        "objective_at_10s": _objective_at(result.trace, 10.0),
        "variables": result.variables,
        "constraints": result.constraints,
        "hard_violations": None if checked is None else len(checked.violations),
        "components": None if checked is None else checked.components_json(),
        "conflicts": [c.message for c in result.conflicts],
    }


def run_one(size: str, seed: int, time_limit: float, workers: int) -> dict[str, Any]:
    """One (size, seed): generation, greedy, solve and re-plan (see the module docstring)."""
    from engines.scheduling.disruption import disruption
    from engines.scheduling.generator import generate
    from engines.scheduling.greedy import greedy
    from engines.scheduling.perturb import perturb
    from engines.scheduling.validator import validate

    started = time.perf_counter()
    made = generate(size, seed)
    generated_s = time.perf_counter() - started
    instance = made.instance
    planted = validate(instance, made.planted).objective
    started = time.perf_counter()
    baseline = validate(instance, greedy(instance))
    greedy_s = time.perf_counter() - started
    first = _solved(instance, time_limit, workers, seed)
    replan: dict[str, Any] = {"skipped": "no first solution"}
    solution = first.pop("result").solution
    if solution is not None:
        changed = perturb(instance, solution, seed=seed)
        replan = _solved(changed, time_limit, workers, seed)
        again = replan.pop("result").solution
        if again is not None:
            moved = disruption(changed, again)
            replan |= {
                "previous_items": moved.previous_items,
                "kept": moved.kept,
                "kept_share": round(moved.kept_share, 4),
                "cohort_moves": moved.cohort_moves,
                "therapist_changes": moved.therapist_changes,
            }
        replan["admitted"] = len(
            {p.id for p in changed.patients} - {p.id for p in instance.patients}
        )
        replan["discharged"] = len(
            {p.id for p in instance.patients} - {p.id for p in changed.patients}
        )
    return {
        "size": size,
        "seed": seed,
        "patients": len(instance.patients),
        "staff": len(instance.staff),
        "rooms": len(instance.rooms),
        "cohorts": len(instance.cohorts),
        "generate_s": round(generated_s, 3),
        "planted_objective": planted,
        "greedy": {
            "seconds": round(greedy_s, 4),
            "objective": baseline.objective,
            "hard_violations": len(baseline.violations),
            "violations_by_type": baseline.violation_counts(),
        },
        "solve": first,
        "replan": replan,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _gaps(run: dict[str, Any]) -> None:
    """Adds the gaps once the best known objective of the instance is known."""
    solve = run["solve"]
    candidates = [run["planted_objective"], solve["objective"]]
    best = min(c for c in candidates if c is not None)
    run["best_known"] = best
    objective, bound = solve["objective"], solve["bound"]
    solve["gap_to_bound"] = (
        None
        if objective is None or bound is None
        else round((objective - bound) / max(1, objective), 4)
    )
    solve["gap_to_best_known"] = (
        None if objective is None else round((objective - best) / max(1, best), 4)
    )
    at_10 = solve["objective_at_10s"]
    solve["gap_to_best_known_at_10s"] = (
        None if at_10 is None else round((at_10 - best) / max(1, best), 4)
    )


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def markdown(result: dict[str, Any]) -> str:
    m, p = result["machine"], result["parameters"]
    lines = [
        "# Scheduling benchmark",
        "",
        f"Run on {result['date']} with `python -m bench.schedule --time-limit {p['time_limit']:g} "
        f"--workers {p['workers']}` on {m['cpu_count']} × {m['cpu_model'] or 'CPU'}, "
        f"{m['memory_gib']} GiB, Python {m['python']}, OR-Tools {p['ortools']}.",
        "Generator version "
        + str(p["generator_version"])
        + "; seeds "
        + ", ".join(map(str, p["seeds"]))
        + ". Every solution below was checked by the independent validator.",
        "",
        "## First solve",
        "",
        "| size | seed | patients | first feasible s (build s) | obj @10 s | obj final | "
        "bound | gap to bound | best known | gap to best | hard violations | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["runs"]:
        s = r["solve"]
        lines.append(
            f"| {r['size']} | {r['seed']} | {r['patients']:,} | {_fmt(s['first_feasible_s'])} "
            f"({_fmt(s['build_s'])}) | {_fmt(s['objective_at_10s'])} | {_fmt(s['objective'])} "
            f"| {_fmt(s['bound'], 0)} | {_pct(s['gap_to_bound'])} | {_fmt(r['best_known'])} "
            f"| {_pct(s['gap_to_best_known'])} | {_fmt(s['hard_violations'])} "
            f"| {r['peak_rss_mib']:.0f} |"
        )
    lines += [
        "",
        "## Re-plan after 5 % admissions and 5 % discharges",
        "",
        "| size | seed | admitted / discharged | kept | cohort moves | therapist changes | "
        "first feasible s | wall s | objective |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["runs"]:
        q = r["replan"]
        if "skipped" in q:
            lines.append(f"| {r['size']} | {r['seed']} | {q['skipped']} | | | | | | |")
            continue
        kept = f"{_pct(q.get('kept_share'))} ({_fmt(q.get('kept'))} of {_fmt(q.get('previous_items'))})"
        lines.append(
            f"| {r['size']} | {r['seed']} | {q['admitted']} / {q['discharged']} | {kept} "
            f"| {_fmt(q.get('cohort_moves'))} | {_fmt(q.get('therapist_changes'))} "
            f"| {_fmt(q['first_feasible_s'])} | {_fmt(q['wall_s'])} | {_fmt(q['objective'])} |"
        )
    lines += [
        "",
        "## Greedy baseline",
        "",
        "| size | seed | seconds | objective | hard violations | by type |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in result["runs"]:
        g = r["greedy"]
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(g["violations_by_type"].items())) or "none"
        lines.append(
            f"| {r['size']} | {r['seed']} | {g['seconds']:.3f} | {g['objective']:,} "
            f"| {g['hard_violations']} | {kinds} |"
        )
    lines += ["", "## Against the issue's goals", "", *_verdicts(result["runs"]), "", *NOTES]
    return "\n".join(lines) + "\n"


def _verdict(values: list[Any], ok: Any) -> str:
    shown = ", ".join(_fmt(v) for v in values)
    passed = all(v is not None and ok(v) for v in values)
    return f"{'yes' if passed else '**no**'} ({shown})"


def _verdicts(runs: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| size | first feasible ≤ goal | gap to best known at the end ≤ goal (a weak test: see "
        "the notes) | re-plan kept ≥ 98 % | re-plan cohort moves = 0 |",
        "|---|---|---|---|---|",
    ]
    for size, goal in GOALS.items():
        mine = [r for r in runs if r["size"] == size]
        if not mine:
            continue
        ttff = [r["solve"]["first_feasible_s"] for r in mine]
        gaps = [r["solve"]["gap_to_best_known"] for r in mine]
        kept = [r["replan"].get("kept_share") for r in mine]
        moves = [r["replan"].get("cohort_moves") for r in mine]

        limit, gap = goal["first_feasible_s"], goal["gap_best_60s"]
        lines.append(
            f"| {size} (goal {limit:g} s, {gap:.0%}) "
            f"| {_verdict(ttff, lambda v, limit=limit: v <= limit)} "
            f"| {_verdict(gaps, lambda v, gap=gap: v <= gap)} "
            f"| {_verdict(kept, lambda v: v >= GOAL_KEPT)} "
            f"| {_verdict(moves, lambda v: v == 0)} |"
        )
    return lines


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.schedule", description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["small", "medium", "large"])
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--results", type=Path, default=RESULTS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from importlib.metadata import version

    from engines.scheduling.generator import GENERATOR_VERSION, SIZES

    unknown = sorted(set(args.sizes) - set(SIZES))
    if unknown or args.time_limit <= 0:
        raise SystemExit(f"Sizes must be among {', '.join(SIZES)}; the time limit positive.")
    runs = []
    context = multiprocessing.get_context("spawn")
    for size in args.sizes:
        for seed in args.seeds:
            _say(
                f"{size} seed {seed}: generating, greedy, solving ({args.time_limit:g} s), re-planning …"
            )
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                run = pool.submit(run_one, size, seed, args.time_limit, args.workers).result()
            _gaps(run)
            s = run["solve"]
            _say(
                f"  first feasible {_fmt(s['first_feasible_s'])} s, objective {_fmt(s['objective'])} "
                f"(best known {run['best_known']:,}), re-plan kept {_pct(run['replan'].get('kept_share'))}"
            )
            runs.append(run)
    result = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": report.host_machine(),
        "parameters": {
            "sizes": args.sizes,
            "seeds": args.seeds,
            "time_limit": args.time_limit,
            "workers": args.workers,
            "generator_version": GENERATOR_VERSION,
            "ortools": version("ortools"),
        },
        "goals": GOALS,
        "runs": runs,
    }
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "schedule.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.results / "schedule.md").write_text(markdown(result))
    _say(f"Wrote {args.results / 'schedule.json'} and {args.results / 'schedule.md'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
