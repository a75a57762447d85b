"""``openiop schedule generate|solve|validate|greedy``: the scheduling engine from the shell.

A thin shell over the pure engine (``engines.scheduling``): it reads and writes the JSON
files of docs/scheduling-format.md and never touches the database. Progress goes to stderr,
results to stdout as JSON (or to ``--out``). Exit codes: 0 done; 1 a solution breaks a hard
rule (validate) or no schedule was found (solve: infeasible, or out of time); 2 bad input
(unreadable or malformed files, a solution for another instance, a time limit of 0).
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from engines.scheduling import codec
from engines.scheduling.generator import SIZES, generate
from engines.scheduling.greedy import greedy
from engines.scheduling.json_reading import json_from_text
from engines.scheduling.model import FormatError, Instance, Solution
from engines.scheduling.solver import Progress, SolveOptions, SolveResult, solve
from engines.scheduling.validator import Report, validate

USAGE_ERROR = 2
NOT_FEASIBLE = 1


class Command(BaseCommand):
    help = (
        "Weekly schedules: generate a seeded benchmark instance, solve an instance with CP-SAT, "
        "validate a solution independently, or build the greedy baseline. The file format is "
        "in docs/scheduling-format.md."
    )
    requires_system_checks: list[str] = []  # a pure calculation on files

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        make = actions.add_parser("generate", help="a seeded, planted benchmark instance")
        make.add_argument("--size", choices=SIZES, required=True)
        make.add_argument("--seed", type=int, required=True)
        make.add_argument("--out", type=Path, required=True, help="instance file to write")
        make.add_argument("--planted-out", type=Path, help="also write the planted solution")
        run = actions.add_parser("solve", help="solve an instance with CP-SAT")
        run.add_argument("instance", type=Path)
        run.add_argument("--time-limit", type=float, required=True, metavar="SECONDS")
        run.add_argument("--workers", type=int, default=8, help="CP-SAT workers (default 8)")
        run.add_argument("--seed", type=int, default=0, help="CP-SAT random seed")
        run.add_argument(
            "--previous", type=Path, help="last week's solution: re-plan with minimal disruption"
        )
        run.add_argument("--out", type=Path, required=True, help="solution file to write")
        check = actions.add_parser("validate", help="check a solution against an instance")
        check.add_argument("instance", type=Path)
        check.add_argument("solution", type=Path)
        base = actions.add_parser("greedy", help="the greedy baseline (may break hard rules)")
        base.add_argument("instance", type=Path)
        base.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        """Runs one action; raises CommandError with exit code 1 or 2 as the module says."""
        try:
            {
                "generate": self._generate,
                "solve": self._solve,
                "validate": self._validate,
                "greedy": self._greedy,
            }[options["action"]](options)
        except FormatError as error:
            raise CommandError(f"{error} [{error.code}]", returncode=USAGE_ERROR) from None

    def _generate(self, options: dict[str, Any]) -> None:
        made = generate(options["size"], options["seed"])
        _write(options["out"], codec.instance_to_json(made.instance))
        if options["planted_out"]:
            _write(options["planted_out"], codec.solution_to_json(made.planted))
        self._emit(
            {
                "instance": made.instance.id,
                "patients": len(made.instance.patients),
                "staff": len(made.instance.staff),
                "planted_objective": validate(made.instance, made.planted).objective,
                "out": str(options["out"]),
            }
        )

    def _solve(self, options: dict[str, Any]) -> None:
        instance = _instance(options["instance"])
        if options["previous"]:
            instance = _with_previous(instance, _solution(options["previous"]))
        try:
            settings = SolveOptions(
                time_limit=options["time_limit"], workers=options["workers"], seed=options["seed"]
            )
        except ValueError as error:
            raise CommandError(str(error), returncode=USAGE_ERROR) from None
        result = solve(instance, settings, on_progress=_progress)
        if result.solution is not None:
            _write(options["out"], codec.solution_to_json(result.solution))
        self._emit(_solve_summary(instance, result, options["out"]))
        if result.solution is None:
            raise CommandError(
                f"No schedule: {result.status}. " + " ".join(c.message for c in result.conflicts),
                returncode=NOT_FEASIBLE,
            )

    def _validate(self, options: dict[str, Any]) -> None:
        instance = _instance(options["instance"])
        solution = _solution(options["solution"])
        codec.check_solution_matches(instance, solution)
        report = validate(instance, solution)
        self._emit(_report_json(report))
        if not report.feasible:
            raise CommandError(
                f"{len(report.violations)} hard violation(s): "
                + ", ".join(f"{code} {n}" for code, n in sorted(report.violation_counts().items())),
                returncode=NOT_FEASIBLE,
            )

    def _greedy(self, options: dict[str, Any]) -> None:
        instance = _instance(options["instance"])
        solution = greedy(instance)
        _write(options["out"], codec.solution_to_json(solution))
        self._emit({**_report_json(validate(instance, solution)), "out": str(options["out"])})

    def _emit(self, data: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(data, indent=2, sort_keys=True))


def _read(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path}: {error}", returncode=USAGE_ERROR) from None
    return json_from_text(text)


def _instance(path: Path) -> Instance:
    try:
        return codec.instance_from_json(_read(path))
    except FormatError as error:
        raise FormatError(error.code, f"{path}: {error}") from None


def _solution(path: Path) -> Solution:
    try:
        return codec.solution_from_json(_read(path))
    except FormatError as error:
        raise FormatError(error.code, f"{path}: {error}") from None


def _with_previous(instance: Instance, previous: Solution) -> Instance:
    return replace(instance, previous=previous)


def _write(path: Path, data: dict[str, object]) -> None:
    """Write through a temporary file and rename, so a failure never leaves half a file."""
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error}", returncode=USAGE_ERROR) from None


def _progress(progress: Progress) -> None:
    objective = "-" if progress.objective is None else str(progress.objective)
    bound = "-" if progress.bound is None else f"{progress.bound:.0f}"
    sys.stderr.write(
        f"[{progress.elapsed:7.2f}s] {progress.stage:<10} objective {objective:>8} "
        f"bound {bound:>8}  {progress.message}\n"
    )


def _report_json(report: Report) -> dict[str, Any]:
    return {
        "feasible": report.feasible,
        "objective": report.objective,
        "components": report.components_json(),
        "violations_by_type": report.violation_counts(),
        "violations": [
            {"code": v.code, "message": v.message, "refs": list(v.refs)} for v in report.violations
        ],
    }


def _solve_summary(instance: Instance, result: SolveResult, out: Path) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "first_feasible_seconds": result.first_feasible_seconds,
        "wall_seconds": result.wall_seconds,
        "build_seconds": result.build_seconds,
        "variables": result.variables,
        "constraints": result.constraints,
        "conflicts": [c.as_json() for c in result.conflicts],
    }
    if result.solution is not None:
        summary["components"] = validate(instance, result.solution).components_json()
        summary["out"] = str(out)
    return summary
