"""The weekly scheduling solver: OR-Tools CP-SAT in two stages (cohorts, then the week's
timetable part by part), with structural and core-based explanations of infeasibility and
minimal-disruption re-plans against ``instance.previous``. Pure: no Django, no clock."""

from engines.scheduling.solver.options import Conflict, Progress, SolveOptions, SolveResult
from engines.scheduling.solver.pipeline import solve

__all__ = ["Conflict", "Progress", "SolveOptions", "SolveResult", "solve"]
