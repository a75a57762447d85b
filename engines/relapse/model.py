"""The inputs and results of the weekly review rules, as plain frozen data.

Everything a rule needs is counted or listed by the caller (the care-meeting adapter reads
the database and the clock); the rules here only compare. Days are whole days; scores are
instrument totals; minutes are attended minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Series:
    """One instrument's scores for one episode, oldest first: (days since the first score,
    total). ``title`` is what people read (``PHQ-9``)."""

    instrument: str
    title: str
    points: tuple[tuple[int, float], ...]


@dataclass(frozen=True, slots=True)
class AttendanceHistory:
    """Attended minutes in the recent window and in the baseline days before it.
    ``baseline_days`` is how many days of treatment the baseline covers (0 when the patient
    was admitted inside the recent window)."""

    recent_minutes: int = 0
    baseline_minutes: int = 0
    baseline_days: int = 0


@dataclass(frozen=True, slots=True)
class RelapseInputs:
    """What the functional-relapse signal looks at for one episode. Counts are over the
    recent window (``Rules.recent_days``), except open safety alerts (open now)."""

    series: tuple[Series, ...] = ()
    attendance: AttendanceHistory = field(default_factory=AttendanceHistory)
    missed_questionnaires: int = 0
    missed_individual_sessions: int = 0
    positive_screens: int = 0
    open_safety_alerts: int = 0


class ComponentCode(StrEnum):
    """Stable codes of the signal's components, in the order they are shown."""

    OPEN_SAFETY_ALERT = "open_safety_alert"
    RELIABLE_DETERIORATION = "reliable_deterioration"
    ATTENDANCE_DROP = "attendance_drop"
    MISSED_INDIVIDUAL_SESSIONS = "missed_individual_sessions"
    POSITIVE_SCREENS = "positive_screens"
    MISSED_QUESTIONNAIRES = "missed_questionnaires"


@dataclass(frozen=True, slots=True)
class Component:
    """One part of the signal. ``value`` is None when it cannot be judged (for example no
    attendance baseline yet); such a component never fires. ``weight`` is what it adds to
    the score when it fires."""

    code: ComponentCode
    label: str
    value: float | None
    threshold: float
    unit: str
    fired: bool
    weight: int
    explanation: str


@dataclass(frozen=True, slots=True)
class RelapseSignal:
    """The composite signal: every component, the score (sum of the weights of those that
    fired) and the score at which the signal fires."""

    components: tuple[Component, ...]
    score: int
    fire_at: int

    @property
    def fired(self) -> bool:
        return self.score >= self.fire_at

    @property
    def fired_components(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.fired)

    def component(self, code: ComponentCode) -> Component:
        return next(c for c in self.components if c.code is code)


@dataclass(frozen=True, slots=True)
class Plateau:
    """An instrument on which the patient has stopped changing: the last ``count`` scores
    span ``span_days`` and the first and last of them differ by less than ``min_change``."""

    instrument: str
    title: str
    first: float
    last: float
    min_change: float
    span_days: int
    explanation: str
