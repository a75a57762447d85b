"""Flags on one patient's measure trajectory, for measurement-based care review.

Both flags compare the *latest* observation with the baseline (the first observation), using the
Jacobson–Truax reliable-change rule of `reliable_change` (clinical.md §3.1):

* reliable deterioration — the latest score is reliably worse than baseline (RCI >= +1.96 on a
  lower-is-better scale, or the configured raw threshold).
* no response by week 4 — the latest observation is on or after day 28, the baseline was on the
  clinical side of the cut-off, and the latest score shows no reliable improvement. This is a
  project definition, not a published cut-off: it operationalizes the early-non-response
  literature, where lack of early improvement predicts later non-response (Szegedi et al. 2009,
  J Clin Psychiatry 70(3):344–353: < 20 % improvement by week 2 of antidepressant treatment;
  Gilaberte et al. 2013, J Affect Disord 146:433–437: < 30 % by week 4). Early non-improvement
  does not rule out later response (de Vries et al., Br J Psychiatry, individual-patient-data
  meta-analysis, https://www.cambridge.org/core/journals/the-british-journal-of-psychiatry/
  article/predicting-antidepressant-response-by-monitoring-early-improvement-of-individual-
  symptoms-of-depression-individual-patient-data-metaanalysis/C044107D0AB53B80490564E31132315C),
  so the flag asks for a review of the plan; it predicts nothing.

Both flags can be raised together: reliable deterioration implies no reliable improvement.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from engines.outcomes.norms import Norms
from engines.outcomes.reliable_change import is_clinical, reliable_change

#: Day (since baseline) from which "no response by week 4" is assessed.
WEEK_4_DAY = 28


class TrajectoryFlagCode(StrEnum):
    RELIABLE_DETERIORATION = "reliable_deterioration"
    NO_RESPONSE_BY_WEEK_4 = "no_response_by_week_4"


@dataclass(frozen=True, slots=True)
class TrajectoryFlag:
    """`day` is the day since baseline of the observation that raised the flag."""

    code: TrajectoryFlagCode
    label: str
    day: int


def _check_points(points: Sequence[tuple[int, float]]) -> None:
    days = [day for day, _ in points]
    if days and days[0] < 0:
        raise ValueError("days since baseline must not be negative")
    if any(later < earlier for earlier, later in itertools.pairwise(days)):
        raise ValueError("points must be sorted by day")


def trajectory_flags(
    points: Sequence[tuple[int, float]], norms: Norms, *, threshold: float | None = None
) -> tuple[TrajectoryFlag, ...]:
    """Flags for one patient's (day since first measure, total) points, sorted by day.

    The first point is the baseline; fewer than two points give no flags. `threshold` as in
    `reliable_change`. Raises ValueError on unsorted or negative days or invalid scores.
    """
    _check_points(points)
    if len(points) < 2:
        return ()
    (_, baseline), (day, latest) = points[0], points[-1]
    change = reliable_change(baseline, latest, norms, threshold=threshold)
    flags: list[TrajectoryFlag] = []
    if change.deteriorated:
        flags.append(
            TrajectoryFlag(
                TrajectoryFlagCode.RELIABLE_DETERIORATION,
                f"Reliably worse than baseline ({baseline:g} → {latest:g}; "
                f"reliable change is {change.min_change:.1f} points)",
                day,
            )
        )
    if day >= WEEK_4_DAY and is_clinical(baseline, norms) and not change.improved:
        flags.append(
            TrajectoryFlag(
                TrajectoryFlagCode.NO_RESPONSE_BY_WEEK_4,
                f"No reliable improvement by week 4 ({baseline:g} → {latest:g} on day {day})",
                day,
            )
        )
    return tuple(flags)
