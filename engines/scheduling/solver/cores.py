"""Explaining an infeasibility that the structural pre-checks did not catch.

The exact models of the two independent parts of hard feasibility (cohort sizes, stage 1;
individual sessions with primaries, caps, bookings and sites, stage 2 without the optional
meetings and sessions) are rebuilt with an enforcement literal per entity's constraint group.
Solving under all literals as assumptions on one worker, CP-SAT returns a subset sufficient
for infeasibility: the patients, clinicians and cohorts it names are the conflict.
"""

from __future__ import annotations

from collections.abc import Mapping

from ortools.sat.python import cp_model

from engines.scheduling.solver import cohorts, timetable
from engines.scheduling.solver.diagnose import names
from engines.scheduling.solver.domain import domain
from engines.scheduling.solver.facts import Facts
from engines.scheduling.solver.options import Conflict, SolveOptions
from engines.scheduling.solver.scope import whole_scope
from engines.scheduling.solver.search import run


def cohort_core(facts: Facts, site: str, seconds: float, options: SolveOptions) -> Conflict | None:
    """Why the patients of ``site`` cannot be split into cohorts (None if they can, or if
    the time ran out)."""
    patients = cohorts.site_patients(facts)[site]
    cm = cohorts.build(facts, patients, guarded=True)
    guards = {
        **{f"patient:{k}": v for k, v in cm.patient_guards.items()},
        **{f"cohort:{k}": v for k, v in cm.cohort_guards.items()},
    }
    core = _core(cm.model, guards, seconds, options)
    if core is None:
        return None
    patient_ids = _named(core, "patient:")
    cohort_ids = _named(core, "cohort:")
    return Conflict(
        "infeasible_core",
        f"Patients {names(patient_ids)} cannot all be placed in cohorts {names(cohort_ids)} "
        "within the cohorts' minimum and maximum sizes (closed cohorts take only last week's "
        "members).",
        patients=patient_ids,
        cohorts=cohort_ids,
    )


def session_core(
    facts: Facts, cohort_of: Mapping[str, str], seconds: float, options: SolveOptions
) -> Conflict | None:
    """Why the required individual sessions cannot all be booked (None if they can, or if
    the time ran out)."""
    scope = whole_scope(facts, cohort_of, "exact")
    items = domain(facts, scope, meetings=False, optional=False)
    tt = timetable.build(facts, scope, items, guarded=True)
    core = _core(tt.model, tt.guards, seconds, options)
    if core is None:
        return None
    patient_ids = _named(core, "individual:")
    staff_ids = tuple(sorted({n.split(":", 1)[1] for n in core if not n.startswith("individual:")}))
    rules = sorted(
        {n.split(":", 1)[0].replace("_", " ") for n in core if not n.startswith("individual:")}
    )
    return Conflict(
        "infeasible_core",
        f"The individual sessions of patients {names(patient_ids)} cannot all be booked with "
        f"clinicians {names(staff_ids) or '(none)'} given their availability and "
        f"{', '.join(rules) or 'eligibility'} limits.",
        patients=patient_ids,
        staff=staff_ids,
    )


def _core(
    model: cp_model.CpModel,
    guards: Mapping[str, cp_model.IntVar],
    seconds: float,
    options: SolveOptions,
) -> tuple[str, ...] | None:
    by_index = {var.index: name for name, var in guards.items()}
    model.add_assumptions(list(guards.values()))
    outcome = run(model, seconds, options, workers=1)
    if outcome.status != "infeasible":
        return None
    found = outcome.solver.sufficient_assumptions_for_infeasibility()
    return tuple(sorted(by_index[i] for i in found if i in by_index))


def _named(core: tuple[str, ...], prefix: str) -> tuple[str, ...]:
    return tuple(sorted(n.removeprefix(prefix) for n in core if n.startswith(prefix)))
