"""The demo's measurement-based care, drawn from the seed: each program's schedule and every
admitted stay's questionnaires. Pure: no database, no clock.

``plan_measures`` draws one ``StayMeasures`` per stay that reached admission: the shape of the
course (most patients improve roughly exponentially, some plateau, a few get worse), how
severe they start and how reliably they answer. ``stay_responses`` turns one, with the stay's
calendar dates and the program's local "today", into the questionnaires answered. It walks
the occasions of ``engines.occasions``, the engine the services check a submission against,
so every planned answer lies in its window; some occasions stay unanswered, as in practice.
The same seed on the same day gives the same answers.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from enum import StrEnum

from engines.instruments import INSTRUMENTS
from engines.occasions import EpisodeDates, Occasion, occasions
from openiop.devtools import answers
from openiop.devtools.answers import ASQ, AUDITC, DAST10, GAD7, PCL5, PCPTSD5, PHQ9, Answers
from openiop.devtools.layout import ADULT_IOP, ADULT_PHP, SUD_IOP
from openiop.devtools.plan import DemoPlan, Stay, StayDates
from openiop.measures.models import Source, Timepoint
from openiop.patients.models import DischargeReason

Schedule = tuple[tuple[str, Timepoint], ...]

_AFTER = (
    Timepoint.DISCHARGE,
    Timepoint.FOLLOW_UP_30,
    Timepoint.FOLLOW_UP_90,
    Timepoint.FOLLOW_UP_180,
)
_THROUGHOUT = (Timepoint.INTAKE, Timepoint.WEEKLY, *_AFTER)


def _at(instrument: str, timepoints: tuple[Timepoint, ...]) -> Schedule:
    return tuple((instrument, timepoint) for timepoint in timepoints)


_MOOD = (*_at(PHQ9, _THROUGHOUT), *_at(GAD7, _THROUGHOUT), *_at(ASQ, (Timepoint.INTAKE,)))
_TRAUMA_SCREEN = _at(PCPTSD5, (Timepoint.INTAKE,))
# Adult IOP runs the trauma-focused groups (its therapists include an EMDR clinician), so it
# follows PTSD symptoms with the PCL-5; the others screen for trauma at intake. The Part 2
# substance-use program adds AUDIT-C and DAST-10, whose past-year recall makes weekly use
# pointless (engines.outcomes.norms).
SCHEDULES: dict[str, Schedule] = {
    ADULT_IOP: (*_MOOD, *_at(PCL5, _THROUGHOUT)),
    ADULT_PHP: (*_MOOD, *_TRAUMA_SCREEN),
    SUD_IOP: (
        *_MOOD,
        *_TRAUMA_SCREEN,
        *_at(AUDITC, (Timepoint.INTAKE, *_AFTER)),
        *_at(DAST10, (Timepoint.INTAKE, *_AFTER)),
    ),
}


@dataclass(frozen=True, slots=True)
class _Scale:
    """Intake mean and SD of a severity scale in an IOP/PHP population (illustrative, not
    norms), the lowest intake drawn, week-to-week noise, and how much of the change in
    symptoms the scale shows (past-year recall scales move slowly)."""

    mean: float
    sd: float
    low: int
    noise: float
    shows: float = 1.0


_SCALES: dict[str, _Scale] = {
    PHQ9: _Scale(16, 4.5, 7, 1.5),
    GAD7: _Scale(13, 3.5, 5, 1.3),
    PCL5: _Scale(45, 11, 22, 4.0),
    AUDITC: _Scale(6, 2.5, 1, 0.7, shows=0.5),
    DAST10: _Scale(5, 2, 1, 0.6, shows=0.5),
}


class Pattern(StrEnum):
    IMPROVING = "improving"
    PLATEAU = "plateau"
    DETERIORATING = "deteriorating"


class Role(StrEnum):
    """What a stay shows in the demo beyond its own course."""

    NONE = "none"
    OPEN_ALERT = "open_alert"  # answers PHQ-9 item 9 "several days" today; alert left open
    DUE_TODAY = "due_today"  # this week's questionnaires wait for the portal-link journey


# Where a symptom level settles, as a fraction of intake: level(t) = a + (1 - a)·e^(-t/τ).
_SETTLES: dict[Pattern, tuple[float, float]] = {
    Pattern.IMPROVING: (0.2, 0.45),
    Pattern.PLATEAU: (0.8, 1.05),
    Pattern.DETERIORATING: (1.3, 1.6),
}
_PATTERNS: dict[DischargeReason | None, tuple[tuple[Pattern, int], ...]] = {
    None: ((Pattern.IMPROVING, 7), (Pattern.PLATEAU, 2), (Pattern.DETERIORATING, 1)),
    DischargeReason.GOALS_MET: ((Pattern.IMPROVING, 1),),
    DischargeReason.STEP_DOWN: ((Pattern.IMPROVING, 9), (Pattern.PLATEAU, 1)),
    DischargeReason.NO_PROGRESS: ((Pattern.PLATEAU, 2), (Pattern.DETERIORATING, 1)),
    DischargeReason.PATIENT_CHOICE: (
        (Pattern.IMPROVING, 2),
        (Pattern.PLATEAU, 2),
        (Pattern.DETERIORATING, 1),
    ),
}
_MISS_RATES = {Pattern.IMPROVING: 0.08, Pattern.PLATEAU: 0.18, Pattern.DETERIORATING: 0.25}
# Who answers at discharge: most planned discharges, few who left on their own.
_DISCHARGE_RATES: dict[DischargeReason | None, float] = {
    DischargeReason.GOALS_MET: 0.9,
    DischargeReason.STEP_DOWN: 0.85,
    DischargeReason.NO_PROGRESS: 0.65,
    DischargeReason.PATIENT_CHOICE: 0.3,
}
_FOLLOW_UP_RATES = {
    Timepoint.FOLLOW_UP_30: 0.65,
    Timepoint.FOLLOW_UP_90: 0.55,
    Timepoint.FOLLOW_UP_180: 0.5,
}
_SOURCES: dict[str, tuple[tuple[Source, int], ...]] = {
    Timepoint.INTAKE: ((Source.KIOSK, 5), (Source.PAPER, 3), (Source.PORTAL, 2)),
    Timepoint.WEEKLY: ((Source.PORTAL, 5), (Source.KIOSK, 4), (Source.PAPER, 1)),
    Timepoint.DISCHARGE: ((Source.KIOSK, 4), (Source.PAPER, 3), (Source.PORTAL, 3)),
}
# After discharge: the portal, or a mailed form the therapist transcribes.
_FOLLOW_UP_SOURCES = ((Source.PORTAL, 4), (Source.PAPER, 1))
_PAST_ATTEMPT_RATE = 0.08
_TRAUMA_RATE = 0.65
_ALERT_PHQ9_FLOOR = 13
ACTIONS = (
    "Reviewed the ASQ with the patient the same day: one past attempt, no current ideation, "
    "intent or plan. Brief suicide safety assessment done; Stanley-Brown safety plan "
    "completed and 988 reviewed.",
    "Same-day brief suicide safety assessment (C-SSRS screener): passive thoughts in recent "
    "weeks, none now, no plan. Safety plan written with the patient; lethal-means counselling "
    "done.",
    "Discussed the intake ASQ with the patient and the prescriber: historical attempt, denies "
    "current thoughts. Safety plan completed, crisis numbers given; reviewed weekly in "
    "individual sessions.",
)


@dataclass(frozen=True, slots=True)
class StayMeasures:
    """How one admitted stay (``patient`` and ``stay`` index the DemoPlan) answers."""

    patient: int
    stay: int
    pattern: Pattern
    role: Role
    severity: float  # z-score of intake severity, shared by the scales
    start: float  # intake level: lower for an IOP stay after a PHP step-down
    settles: float  # the fraction of intake the symptoms tend to
    tau: float  # days to move about two thirds of the way there
    relapse: float  # relative change by 4 months after discharge
    miss_rate: float
    discharge_rate: float
    past_attempt: bool  # a "yes" to ASQ question 4: a positive screen, then acknowledged
    trauma: bool
    draw: int  # seeds this stay's own ``random.Random`` when its dates are known


@dataclass(frozen=True, slots=True)
class MeasuresPlan:
    stays: tuple[StayMeasures, ...]
    alert: int  # index in DemoPlan.patients of the patient with the open safety alert
    due_today: int


@dataclass(frozen=True, slots=True)
class PlannedResponse:
    instrument: str
    timepoint: Timepoint
    due_on: dt.date
    collected_on: dt.date
    answers: Answers
    source: Source
    language: str
    action_taken: str = ""  # set when the safety alert this raises was acted on


def _weighted[T](rng: random.Random, choices: tuple[tuple[T, int], ...]) -> T:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def plan_measures(plan: DemoPlan) -> MeasuresPlan:
    """One StayMeasures per admitted stay, and who has the open alert. Pure; draws from its
    own ``random.Random`` keyed by the seed, so it leaves the demo plan's draws alone."""
    rng = random.Random(f"measures:{plan.seed}")
    candidates = [
        i
        for i, p in enumerate(plan.patients)
        if i != plan.due_today
        and p.stays[-1].ends_open
        and p.stays[-1].therapist
        and (p.stays[-1].admitted_ago or 0) >= 14
    ]
    alert = rng.choice(candidates)
    stays = []
    for i, patient in enumerate(plan.patients):
        for j, stay in enumerate(patient.stays):
            if stay.admitted_ago is None:
                continue
            role = Role.NONE
            if stay.ends_open and i in (alert, plan.due_today):
                role = Role.OPEN_ALERT if i == alert else Role.DUE_TODAY
            stepped = j > 0 and patient.stays[j - 1].reason == DischargeReason.STEP_DOWN
            stays.append(_stay_measures(rng, (i, j), stay, role, stepped=stepped))
    return MeasuresPlan(tuple(stays), alert, plan.due_today)


def _stay_measures(
    rng: random.Random, at: tuple[int, int], stay: Stay, role: Role, *, stepped: bool
) -> StayMeasures:
    pattern = _weighted(rng, _PATTERNS[stay.reason])
    if role is Role.OPEN_ALERT:
        pattern = Pattern.DETERIORATING
    worse = rng.random() < 0.3
    return StayMeasures(
        patient=at[0],
        stay=at[1],
        pattern=pattern,
        role=role,
        severity=rng.gauss(0, 1),
        start=0.7 if stepped else 1.0,
        settles=rng.uniform(*_SETTLES[pattern]),
        tau=rng.uniform(12, 30),
        relapse=rng.uniform(0.2, 0.7) if worse else rng.uniform(-0.15, 0.1),
        miss_rate=_MISS_RATES[pattern],
        discharge_rate=_DISCHARGE_RATES.get(stay.reason, 0.0),
        past_attempt=rng.random() < _PAST_ATTEMPT_RATE,
        trauma=rng.random() < _TRAUMA_RATE,
        draw=rng.getrandbits(32),
    )


def stay_responses(
    spec: StayMeasures,
    dates: StayDates,
    today: dt.date,
    schedule: Schedule,
    *,
    spanish: bool,
    paper: bool,
) -> tuple[PlannedResponse, ...]:
    """The questionnaires the stay's patient answered by ``today``, in due order. Occasions
    of one visit (timepoint and due date) are answered together, from one source; ``paper``
    is False when nobody could transcribe a paper form (no primary therapist)."""
    if dates.admitted is None:
        return ()
    rng = random.Random(spec.draw)
    intake = {instrument: _intake_total(rng, spec, instrument) for instrument in _SCALES}
    planned: list[PlannedResponse] = []
    for group in _visits(schedule, dates, today):
        on = _answered_on(rng, spec, group[0], today)
        if on is None:
            continue
        timepoint = Timepoint(group[0].timepoint)
        source = _source(rng, timepoint, on, paper=paper)
        alarm = spec.role is Role.OPEN_ALERT and timepoint == Timepoint.WEEKLY and on == today
        for occasion in group:
            values, action = _answers(rng, spec, occasion, intake, dates, alarm=alarm)
            language = _language(occasion.instrument, spanish=spanish)
            planned.append(
                PlannedResponse(
                    occasion.instrument,
                    timepoint,
                    occasion.due_on,
                    on,
                    values,
                    source,
                    language,
                    action,
                )
            )
    return tuple(planned)


def _visits(schedule: Schedule, dates: StayDates, today: dt.date) -> list[list[Occasion]]:
    """The stay's occasions open by ``today``, grouped by timepoint and due date."""
    episode = EpisodeDates(dates.referred, dates.admitted, dates.discharged)
    visits: dict[tuple[str, dt.date], list[Occasion]] = {}
    for occasion in occasions(schedule, episode, until=today):
        visits.setdefault((occasion.timepoint, occasion.due_on), []).append(occasion)
    return list(visits.values())


def _language(instrument: str, *, spanish: bool) -> str:
    """Spanish where the instrument has a Spanish version (the PHQ-9), English otherwise."""
    return "es" if spanish and "es" in INSTRUMENTS[instrument].languages else "en"


def _intake_total(rng: random.Random, spec: StayMeasures, instrument: str) -> int:
    scale = _SCALES[instrument]
    z = 0.7 * spec.severity + 0.7 * rng.gauss(0, 1)
    value = (scale.mean + scale.sd * z) * spec.start
    return min(max(round(value), scale.low), answers.highest(instrument))


def _answered_on(
    rng: random.Random, spec: StayMeasures, occasion: Occasion, today: dt.date
) -> dt.date | None:
    """The day the patient answered ``occasion``, or None when they did not (or not yet)."""
    current = occasion.opens_on <= today <= occasion.closes_on
    offsets: tuple[int, ...]  # days from the due date
    if occasion.timepoint == Timepoint.INTAKE:
        chance, offsets = 0.97, (0, 0, 0, 1, 2)
    elif occasion.timepoint == Timepoint.WEEKLY:
        if current and spec.role is Role.DUE_TODAY:
            return None
        if current and spec.role is Role.OPEN_ALERT:
            return today
        chance, offsets = 1 - spec.miss_rate, (-2, -1, 0, 0, 0, 1, 2)
    elif occasion.timepoint == Timepoint.DISCHARGE:
        chance, offsets = spec.discharge_rate, (-4, -3, -2, -1, 0, 0, 1, 3)
    else:
        chance, offsets = _FOLLOW_UP_RATES[Timepoint(occasion.timepoint)], tuple(range(-10, 13))
    if rng.random() >= chance:
        return None
    day = occasion.due_on + dt.timedelta(days=rng.choice(offsets))
    day = min(max(day, occasion.opens_on), occasion.closes_on)
    return day if day <= today else None


def _source(rng: random.Random, timepoint: str, on: dt.date, *, paper: bool) -> Source:
    """Kiosks stand in the clinic, open on weekdays; paper needs someone to transcribe it."""
    source = _weighted(rng, _SOURCES.get(timepoint, _FOLLOW_UP_SOURCES))
    if (source is Source.KIOSK and on.weekday() >= 5) or (source is Source.PAPER and not paper):
        return Source.PORTAL
    return source


def _answers(
    rng: random.Random,
    spec: StayMeasures,
    occasion: Occasion,
    intake: dict[str, int],
    dates: StayDates,
    *,
    alarm: bool,
) -> tuple[Answers, str]:
    """The answer vector, and the action taken if it raises an alert that was handled."""
    instrument = occasion.instrument
    if instrument == ASQ:
        action = rng.choice(ACTIONS) if spec.past_attempt else ""
        return answers.asq(rng, positive=spec.past_attempt), action
    if instrument == PCPTSD5:
        return answers.pc_ptsd_5(rng, exposed=spec.trauma), ""
    total = _total(rng, spec, occasion, intake[instrument], dates)
    if alarm and instrument == PHQ9:
        return answers.scaled(rng, PHQ9, max(total, _ALERT_PHQ9_FLOOR), item9=1), ""
    return answers.scaled(rng, instrument, total), ""


def _total(
    rng: random.Random, spec: StayMeasures, occasion: Occasion, intake: int, dates: StayDates
) -> int:
    if occasion.timepoint == Timepoint.INTAKE:
        return intake
    scale = _SCALES[occasion.instrument]
    level = 1 - scale.shows * (1 - _level(spec, occasion.due_on, dates))
    value = intake * level + rng.gauss(0, scale.noise)
    return min(max(round(value), 0), answers.highest(occasion.instrument))


def _level(spec: StayMeasures, on: dt.date, dates: StayDates) -> float:
    """Symptoms on ``on`` as a fraction of intake: an exponential approach to ``settles``
    while in treatment, then held or relapsing after discharge."""
    admitted = dates.admitted or on
    days = (on - admitted).days
    end = (dates.discharged - admitted).days if dates.discharged else days
    level = spec.settles + (1 - spec.settles) * math.exp(-min(days, end) / spec.tau)
    if days > end:
        level *= 1 + spec.relapse * min(1.0, (days - end) / 120)
    return level
