"""Discharge readiness by plateau: the patient has stopped changing on a measure.

PROJECT DEFINITION of OpenIOP (not a published rule). An instrument has plateaued when

* its scores of the last ``window_days`` = 28 days up to the latest one are at least
  ``min_scores`` = 3, the earliest of them at least ``min_span_days`` = 21 days before the
  latest (four weekly occasions, one of which may be missed), and
* neither the first and last of those four weeks nor the first and last of the latest three
  scores show a reliable change in either direction, by the Jacobson–Truax rule of
  ``engines.outcomes.reliable_change`` with the instrument's norms (clinical.md §3.1), and
* the patient is past week 6 of treatment (``min_treatment_days`` = 42 days since admission),
  so the early weeks, when change is still expected, are never read as a plateau, and
* the instrument's first score was on the clinical side of its cut-off
  (``engines.outcomes.is_clinical``): a symptom the patient never had in the clinical range
  is not what treatment works on, and its steady low scores say nothing about readiness.

Why it matters at the team meeting: when intensive treatment has stopped producing reliable
change, the team decides whether the patient is ready to step down or be discharged (a
plateau in the non-clinical range) or whether the plan must change (a plateau in the clinical
range; ``DischargeReason.NO_PROGRESS``). Only instruments with reliable-change norms (PHQ-9,
GAD-7, PCL-5) are judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engines.outcomes import NORMS, Norms, is_clinical, reliable_change
from engines.relapse.model import Plateau, Series


@dataclass(frozen=True, slots=True)
class PlateauRules:
    min_scores: int = 3
    window_days: int = 28
    min_span_days: int = 21
    min_treatment_days: int = 42
    norms: Mapping[str, Norms] = field(default_factory=lambda: NORMS)
    reliable_change: float | None = None


PLATEAU_RULES = PlateauRules()


def plateaus(
    series: tuple[Series, ...], *, days_in_treatment: int, rules: PlateauRules = PLATEAU_RULES
) -> tuple[Plateau, ...]:
    """The instruments of ``series`` that have plateaued (see the module docstring), in the
    given order. ``days_in_treatment`` counts from the admission day (day 0). Raises
    ValueError on a non-finite score."""
    if days_in_treatment < rules.min_treatment_days:
        return ()
    return tuple(
        found for s in series if (found := _plateau(s, rules, days_in_treatment)) is not None
    )


def _unchanged(first: float, last: float, norms: Norms, rules: PlateauRules) -> bool:
    change = reliable_change(first, last, norms, threshold=rules.reliable_change)
    return not (change.improved or change.deteriorated)


def _plateau(s: Series, rules: PlateauRules, days_in_treatment: int) -> Plateau | None:
    norms = rules.norms.get(s.instrument)
    if norms is None or not s.points or not is_clinical(s.points[0][1], norms):
        return None
    latest_day, last = s.points[-1]
    window = [p for p in s.points if p[0] >= latest_day - rules.window_days]
    if len(window) < max(rules.min_scores, 3):
        return None
    span = latest_day - window[0][0]
    if span < rules.min_span_days:
        return None
    first = window[0][1]
    recent_first = s.points[-3][1]
    if not (_unchanged(first, last, norms, rules) and _unchanged(recent_first, last, norms, rules)):
        return None
    min_change = reliable_change(first, last, norms, threshold=rules.reliable_change).min_change
    side = "clinical" if is_clinical(last, norms) else "non-clinical"
    explanation = (
        f"{s.title} {first:g} → {last:g} over the last {span} days ({len(window)} scores), "
        f"no reliable change (needs {min_change:.1f} points); week "
        f"{days_in_treatment // 7 + 1} of treatment; latest score on the {side} side of the "
        f"cut-off."
    )
    return Plateau(
        instrument=s.instrument,
        title=s.title,
        first=first,
        last=last,
        min_change=min_change,
        span_days=span,
        explanation=explanation,
    )
