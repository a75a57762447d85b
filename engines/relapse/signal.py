"""The composite functional-relapse signal of the weekly care-team meeting.

A patient can slip in ways no single number shows: scores creep up, attendance thins out,
questionnaires and individual sessions go missing, a drug screen comes back positive. Each of
these is a *component*; the signal puts them side by side, says for each its value, its
threshold and whether it fired, and fires when the fired components carry enough weight.
It is a prompt to discuss the patient, not a prediction and not a diagnosis.

This is a PROJECT DEFINITION of OpenIOP, not a published or validated instrument. Its idea is
measurement-based care's "not on track" alert, where routine scores and signs of disengagement
are fed back to the treating team so that it reviews the patient (Lambert et al. 2001,
Psychotherapy Research 11(1):49–68, feedback on patients not on track improved their
outcomes). The thresholds below are deliberately simple and explainable; a program may pass
its own ``Rules``.

Components (the recent window is the last ``recent_days`` = 14 days):

* ``open_safety_alert`` — an unacknowledged safety alert (PHQ-9 item 9 > 0, a positive ASQ;
  clinical.md §2.2). Weight 2: it fires the signal on its own, because a safety flag always
  deserves the team's attention.
* ``reliable_deterioration`` — on an instrument with reliable-change norms (PHQ-9, GAD-7,
  PCL-5), the latest score is reliably worse than the baseline: exactly the Jacobson–Truax
  flag of ``engines.outcomes.trajectory_flags`` that the measures chart shows (clinical.md
  §3.1). Weight 2: a reliable worsening is itself the clinical event the signal looks for.
* ``attendance_drop`` — attended minutes per week in the recent window against the patient's
  own weekly average over the baseline before it (at most ``baseline_days`` = 28 days, never
  before admission). Fires at a drop of ``attendance_drop_percent`` = 30 % or more. It needs
  ``min_baseline_days`` = 14 days (two weeks) of baseline with some attendance; otherwise it
  is not judged. Weight 1.
* ``missed_individual_sessions`` — individual, psychiatry or family sessions in the recent
  window that ended without an attended record. Fires at 1: these are weekly at most, so one
  missed is a missed week of individual care. Weight 1.
* ``positive_screens`` — drug screens collected in the recent window with an unexpected
  positive result. Fires at 1. Weight 1.
* ``missed_questionnaires`` — scheduled questionnaires due in the recent window that are
  overdue or missed (``engines.occasions`` statuses). Fires at 2, i.e. a whole weekly set of
  two instruments or two weeks of one. Weight 1.

The signal fires at a score of ``fire_at`` = 2: either one weight-2 component alone, or any
two weight-1 components together, because a single missed session or questionnaire is common
and mostly benign while two kinds of slipping at once are not. The score is the sum of the
weights of the fired components, so firing one more component never lowers it (monotonic;
property-tested).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engines.outcomes import NORMS, Norms, TrajectoryFlagCode, trajectory_flags
from engines.relapse.model import (
    AttendanceHistory,
    Component,
    ComponentCode,
    RelapseInputs,
    RelapseSignal,
    Series,
)

DAYS_PER_WEEK = 7


@dataclass(frozen=True, slots=True)
class Rules:
    """The thresholds of the signal (project definitions; see the module docstring).
    ``reliable_change`` None uses each instrument's computed Jacobson–Truax threshold, as the
    measures chart does; a number uses that many raw points instead."""

    recent_days: int = 14
    baseline_days: int = 28
    min_baseline_days: int = 14
    attendance_drop_percent: float = 30.0
    missed_individual_sessions: int = 1
    positive_screens: int = 1
    missed_questionnaires: int = 2
    fire_at: int = 2
    norms: Mapping[str, Norms] = field(default_factory=lambda: NORMS)
    reliable_change: float | None = None


RULES = Rules()

_WEIGHTS: Mapping[ComponentCode, int] = {
    ComponentCode.OPEN_SAFETY_ALERT: 2,
    ComponentCode.RELIABLE_DETERIORATION: 2,
    ComponentCode.ATTENDANCE_DROP: 1,
    ComponentCode.MISSED_INDIVIDUAL_SESSIONS: 1,
    ComponentCode.POSITIVE_SCREENS: 1,
    ComponentCode.MISSED_QUESTIONNAIRES: 1,
}


def weight(code: ComponentCode) -> int:
    """What a fired component adds to the score."""
    return _WEIGHTS[code]


def functional_relapse(inputs: RelapseInputs, rules: Rules = RULES) -> RelapseSignal:
    """Evaluate every component for one episode and combine them (see the module docstring).

    Raises ValueError when a count is negative, when attendance minutes or days are
    negative, or (from ``trajectory_flags``) when a series is unsorted or has negative days.
    """
    _check(inputs)
    components = (
        _counted(
            ComponentCode.OPEN_SAFETY_ALERT,
            "Open safety alert",
            inputs.open_safety_alerts,
            1,
            "open",
            ("unacknowledged safety alert", ""),
        ),
        _deterioration(inputs.series, rules),
        _attendance(inputs.attendance, rules),
        _counted(
            ComponentCode.MISSED_INDIVIDUAL_SESSIONS,
            "Missed individual sessions",
            inputs.missed_individual_sessions,
            rules.missed_individual_sessions,
            "sessions",
            (
                "individual, psychiatry or family session",
                f" missed in the last {rules.recent_days} days",
            ),
        ),
        _counted(
            ComponentCode.POSITIVE_SCREENS,
            "Positive drug screens",
            inputs.positive_screens,
            rules.positive_screens,
            "screens",
            (
                "drug screen",
                f" with an unexpected positive result in the last {rules.recent_days} days",
            ),
        ),
        _counted(
            ComponentCode.MISSED_QUESTIONNAIRES,
            "Missed questionnaires",
            inputs.missed_questionnaires,
            rules.missed_questionnaires,
            "questionnaires",
            ("questionnaire", f" due in the last {rules.recent_days} days and not answered"),
        ),
    )
    score = sum(c.weight for c in components if c.fired)
    return RelapseSignal(components=components, score=score, fire_at=rules.fire_at)


def _check(inputs: RelapseInputs) -> None:
    counts = (
        inputs.missed_questionnaires,
        inputs.missed_individual_sessions,
        inputs.positive_screens,
        inputs.open_safety_alerts,
    )
    history = inputs.attendance
    minutes = (history.recent_minutes, history.baseline_minutes, history.baseline_days)
    if min(counts) < 0 or min(minutes) < 0:
        raise ValueError("counts, minutes and days must not be negative")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _counted(
    code: ComponentCode,
    label: str,
    count: int,
    threshold: int,
    unit: str,
    wording: tuple[str, str],
) -> Component:
    noun, tail = wording
    fired = count >= threshold
    return Component(
        code=code,
        label=label,
        value=count,
        threshold=threshold,
        unit=unit,
        fired=fired,
        weight=weight(code),
        explanation=f"{_plural(count, noun)}{tail}; fires at {threshold}.",
    )


def _deterioration(series: tuple[Series, ...], rules: Rules) -> Component:
    worse: list[str] = []
    judged = 0
    for s in series:
        norms = rules.norms.get(s.instrument)
        if norms is None or len(s.points) < 2:
            continue
        judged += 1
        flags = trajectory_flags(s.points, norms, threshold=rules.reliable_change)
        worse.extend(
            f"{s.title}: {f.label}"
            for f in flags
            if f.code is TrajectoryFlagCode.RELIABLE_DETERIORATION
        )
    if worse:
        explanation = "; ".join(worse) + "."
    elif judged:
        explanation = f"No reliable worsening on {_plural(judged, 'instrument')} with norms."
    else:
        explanation = "Not judged: fewer than two scores on an instrument with norms."
    return Component(
        code=ComponentCode.RELIABLE_DETERIORATION,
        label="Reliable deterioration on a measure",
        value=len(worse) if judged else None,
        threshold=1,
        unit="instruments",
        fired=bool(worse),
        weight=weight(ComponentCode.RELIABLE_DETERIORATION),
        explanation=explanation,
    )


def attendance_drop(history: AttendanceHistory, rules: Rules = RULES) -> float | None:
    """Percent drop of attended minutes per week, recent window against baseline; negative
    when attendance rose; None when the baseline is shorter than ``min_baseline_days`` or has
    no attended minutes (nothing to compare with)."""
    if history.baseline_days < rules.min_baseline_days or history.baseline_minutes == 0:
        return None
    baseline_weekly = history.baseline_minutes * DAYS_PER_WEEK / history.baseline_days
    recent_weekly = history.recent_minutes * DAYS_PER_WEEK / rules.recent_days
    return round(100 * (1 - recent_weekly / baseline_weekly), 1)


def _attendance(history: AttendanceHistory, rules: Rules) -> Component:
    drop = attendance_drop(history, rules)
    threshold = rules.attendance_drop_percent
    if drop is None:
        explanation = (
            f"Not judged: needs {rules.min_baseline_days} days of treatment with attendance "
            f"before the last {rules.recent_days} days (has {history.baseline_days} days, "
            f"{history.baseline_minutes} minutes attended)."
        )
    else:
        recent = history.recent_minutes * DAYS_PER_WEEK / rules.recent_days
        baseline = history.baseline_minutes * DAYS_PER_WEEK / history.baseline_days
        change = f"down {drop:g} %" if drop >= 0 else f"up {-drop:g} %"
        explanation = (
            f"{recent:.0f} attended minutes a week in the last {rules.recent_days} days "
            f"against {baseline:.0f} over the {history.baseline_days} days before ({change}); "
            f"fires at a drop of {threshold:g} %."
        )
    return Component(
        code=ComponentCode.ATTENDANCE_DROP,
        label="Attendance falling against own baseline",
        value=drop,
        threshold=threshold,
        unit="%",
        fired=drop is not None and drop >= threshold,
        weight=weight(ComponentCode.ATTENDANCE_DROP),
        explanation=explanation,
    )
