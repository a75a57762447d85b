"""The demo's measures plan, pure: the same seed and day give the same answers; every answer
is valid for its instrument and lies in its occasion's window, whatever the weekday; PHQ-9
item 9 is set exactly once (the open alert) and the due-today patient's questionnaires of
this week stay open; the answer builders reach every total a scale can take. What the
services make of the plan is in ``test_seeded_demo``."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator

import pytest

import engines.instruments as instruments
from engines.occasions import EpisodeDates, Occasion, occasions
from openiop.devtools import answers
from openiop.devtools.measures_plan import (
    SCHEDULES,
    MeasuresPlan,
    Pattern,
    PlannedResponse,
    Role,
    StayMeasures,
    plan_measures,
    stay_responses,
)
from openiop.devtools.plan import DemoPlan, StayDates, plan_demo, stay_dates
from openiop.measures.models import Source, Timepoint
from openiop.patients.models import Language
from tests.devtools.seeding import WEDNESDAY_DATE

TODAY = WEDNESDAY_DATE
PlannedStay = tuple[StayMeasures, StayDates, dict[tuple[str, str, dt.date], Occasion]]


def _stays(
    plan: DemoPlan, measures: MeasuresPlan, today: dt.date
) -> Iterator[tuple[PlannedStay, tuple[PlannedResponse, ...]]]:
    """Each admitted stay's spec, dates, occasions by key, and planned responses."""
    for spec in measures.stays:
        patient = plan.patients[spec.patient]
        stay = patient.stays[spec.stay]
        dates = stay_dates(stay, today)
        schedule = SCHEDULES[stay.program]
        found = occasions(
            schedule,
            EpisodeDates(dates.referred, dates.admitted, dates.discharged),
            until=today,
        )
        planned = stay_responses(
            spec,
            dates,
            today,
            schedule,
            spanish=patient.persona.language == Language.SPANISH,
            paper=bool(stay.therapist),
        )
        yield (spec, dates, {o.key: o for o in found}), planned


# --- The pure plan -------------------------------------------------------------------------


def test_measures_plan_depends_only_on_the_seed_and_the_day() -> None:
    state = random.getstate()
    plan = plan_demo(7)
    measures = plan_measures(plan)
    assert measures == plan_measures(plan_demo(7))
    assert measures != plan_measures(plan_demo(8))
    assert list(_stays(plan, measures, TODAY)) == list(_stays(plan, measures, TODAY))
    assert random.getstate() == state
    assert measures.alert != measures.due_today == plan.due_today
    patterns = Counter(s.pattern for s in measures.stays)
    assert patterns[Pattern.IMPROVING] > patterns[Pattern.PLATEAU] > 0
    assert patterns[Pattern.PLATEAU] >= patterns[Pattern.DETERIORATING] > 0


@pytest.mark.parametrize("weekday_offset", range(7))
def test_planned_answers_are_valid_and_inside_their_windows(weekday_offset: int) -> None:
    today = dt.date(2026, 3, 2) + dt.timedelta(days=weekday_offset)
    plan = plan_demo(7)
    flagged: list[tuple[Role, PlannedResponse]] = []
    for (spec, _, found), planned in _stays(plan, plan_measures(plan), today):
        keys = [(r.instrument, r.timepoint, r.due_on) for r in planned]
        assert len(keys) == len(set(keys))
        for response, key in zip(planned, keys, strict=True):
            occasion = found[key]
            assert occasion.opens_on <= response.collected_on <= min(occasion.closes_on, today)
            scored = instruments.score(
                response.instrument, response.answers, language=response.language
            )
            if response.instrument == "phq9" and response.answers[8]:
                flagged.append((spec.role, response))
            assert not scored.safety or response.action_taken or response.answers[8] == 1
            assert not (response.source is Source.KIOSK and response.collected_on.weekday() > 4)
    [(role, alarm)] = flagged  # PHQ-9 item 9 is 0 everywhere else
    assert (role, alarm.timepoint, alarm.collected_on, alarm.answers[8]) == (
        Role.OPEN_ALERT,
        Timepoint.WEEKLY,
        today,
        1,
    )


@pytest.mark.parametrize("weekday_offset", range(7))
def test_the_due_today_patient_leaves_this_weeks_questionnaires_open(weekday_offset: int) -> None:
    today = dt.date(2026, 3, 2) + dt.timedelta(days=weekday_offset)
    plan = plan_demo(7)
    for (spec, _, found), planned in _stays(plan, plan_measures(plan), today):
        if spec.role is not Role.DUE_TODAY:
            continue
        open_now = [o for o in found.values() if o.opens_on <= today <= o.closes_on]
        assert {o.instrument for o in open_now} == {"phq9", "gad7"}
        assert not {(r.instrument, r.due_on) for r in planned} & {
            (o.instrument, o.due_on) for o in open_now
        }
        if today.weekday() < 5:
            assert {o.due_on for o in open_now} == {today}


@pytest.mark.parametrize("instrument", ["phq9", "gad7", "pcl5", "auditc", "dast10"])
def test_every_total_a_scale_can_take_scores_back_to_itself(instrument: str) -> None:
    rng = random.Random(instrument)
    for total in range(answers.highest(instrument) + 1):
        vector = answers.scaled(rng, instrument, total)
        assert instruments.score(instrument, vector).total == total
        if instrument == "phq9":
            assert vector[8] == 0
            flagged = instruments.score(instrument, answers.scaled(rng, "phq9", total, item9=1))
            assert flagged.total == max(total, 1)
            assert flagged.safety


def test_screens_follow_their_skip_logic() -> None:
    rng = random.Random(0)
    assert not instruments.score("asq", answers.asq(rng, positive=False)).safety
    assert instruments.score("asq", answers.asq(rng, positive=True)).severity == (
        "non_acute_positive"
    )
    assert instruments.score("pcptsd5", answers.pc_ptsd_5(rng, exposed=False)).total == 0
    for _ in range(20):
        instruments.score("pcptsd5", answers.pc_ptsd_5(rng, exposed=True))
