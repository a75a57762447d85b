"""Treatment plans and safety plans in the demo, written through the services.

For every admitted episode (oldest admission first): the draft plan that admission seeded is
completed (or one is started), each problem gets a goal with measurable objectives in the
right phases (stabilization: target at week 4; core: week 12) and interventions with the
episode's own care team, and the plan is activated three days after admission. Plans older
than the program's review interval get their monthly reviews, except three that are left
overdue so the due list (/plans/due/) shows something. Objectives of a finished phase are
met; the longest-admitted patient in taper has every objective met (discharge-ready). Most
patients acknowledge their plan as it stands; one acknowledged it before it last changed.

Safety plans (1 to 3 versions) are written for patients whose positive suicide-risk screen
was handled, and for every sixth other patient. The patient whose alert is still open has
none yet, so their chart shows the prompt to create one (clinical.md §4).

Deterministic: choices follow the episodes' order, nothing is drawn at random.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from openiop.accounts.models import User
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.measures.models import SafetyAlert
from openiop.patients.models import EpisodeOfCare, EpisodeState, Phase
from openiop.safety_plans.services import safety_plan_save
from openiop.treatment_plans import services as plans
from openiop.treatment_plans.models import (
    ObjectiveStatus,
    PlanObjective,
    PlanStatus,
    TreatmentPlan,
)

ACTIVATED_AFTER = dt.timedelta(days=3)
OVERDUE = 3
_ORDER = {Phase.STABILIZATION: 0, Phase.CORE: 1, Phase.TAPER: 2}


@dataclass(frozen=True, slots=True)
class Step:
    """An objective (target ``weeks`` after admission) and its interventions as
    (modality, frequency, who) with who one of therapist, prescriber, facilitator,
    case_manager."""

    statement: str
    measure: str
    phase: Phase
    weeks: int
    interventions: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True, slots=True)
class GoalSpec:
    problem: str
    goal: str
    steps: tuple[Step, ...]


_GROUPS = ("cbt", "3 groups a week", "facilitator")
MENTAL_HEALTH: tuple[GoalSpec, ...] = (
    GoalSpec(
        "Depressed mood most days; stopped working and seeing friends",
        "Get back to the things I care about",
        (
            Step(
                "Attend at least 9 program hours each week",
                "Attendance hours per week",
                Phase.STABILIZATION,
                4,
                (_GROUPS,),
            ),
            Step(
                "PHQ-9 below 10",
                "PHQ-9 total score",
                Phase.CORE,
                12,
                (
                    ("cbt", "weekly 50 minutes", "therapist"),
                    ("medication", "every 2 weeks", "prescriber"),
                ),
            ),
        ),
    ),
    GoalSpec(
        "Panic attacks on the train and at work",
        "Ride the train to work again",
        (
            Step(
                "Use a grounding skill when panic starts, 4 days out of 7",
                "Skills diary",
                Phase.STABILIZATION,
                4,
                (("dbt", "2 skills groups a week", "facilitator"),),
            ),
            Step(
                "GAD-7 below 10 and two train trips a week",
                "GAD-7 total and exposure log",
                Phase.CORE,
                12,
                (("pe", "weekly 50 minutes", "therapist"),),
            ),
        ),
    ),
    GoalSpec(
        "Sleeping 4 hours a night; days without structure",
        "Wake up rested and have a plan for each day",
        (
            Step(
                "Keep a sleep diary and a fixed wake time",
                "Sleep diary, 6 of 7 days",
                Phase.STABILIZATION,
                4,
                (("psychoeducation", "weekly group", "facilitator"),),
            ),
            Step(
                "Sleep at least 6 hours on 5 nights a week",
                "Sleep diary",
                Phase.CORE,
                12,
                (("cbt", "weekly 50 minutes", "therapist"),),
            ),
        ),
    ),
)
SUBSTANCE_USE: tuple[GoalSpec, ...] = (
    GoalSpec(
        "Drinking daily; problems at work and at home",
        "Stay sober and keep my job",
        (
            Step(
                "No alcohol for 14 days in a row",
                "Self-report and breath tests",
                Phase.STABILIZATION,
                4,
                (("peer_support", "3 groups a week", "facilitator"),),
            ),
            Step(
                "Go to two recovery meetings a week",
                "Meeting log",
                Phase.CORE,
                12,
                (
                    ("case_management", "weekly check-in", "case_manager"),
                    ("cbt", "weekly 50 minutes", "therapist"),
                ),
            ),
        ),
    ),
    GoalSpec(
        "Opioid use disorder, starting buprenorphine",
        "Be there for my kids every day",
        (
            Step(
                "Take buprenorphine as prescribed every day",
                "Pharmacy refill record",
                Phase.STABILIZATION,
                4,
                (("medication", "weekly visit", "prescriber"),),
            ),
            Step(
                "Negative urine drug screens four weeks running",
                "Drug screen results",
                Phase.CORE,
                12,
                (("peer_support", "3 groups a week", "facilitator"),),
            ),
        ),
    ),
)
#: Every plan also holds a taper objective, so only a patient who reached it is discharge-ready.
TAPER_STEP = Step(
    "Relapse-prevention plan written and shared with a support person",
    "Plan reviewed in an individual session",
    Phase.TAPER,
    15,
    (("cbt", "weekly 50 minutes", "therapist"),),
)
REVIEWS = (
    "Attending fully; first objective on track. No change to the plan.",
    "Scores improving; keep the current interventions.",
    "Missed two groups after a family crisis; reviewed the safety plan, plan unchanged.",
)
SAFETY_SECTIONS = {
    "warning_signs": ["Not sleeping for two nights", "Staying in bed and not answering texts"],
    "coping_strategies": ["Walk around the block", "Cold water on my face", "Play guitar"],
    "distraction_people_places": ["The public library", "Coffee with my neighbour"],
    "help_contacts": [{"name": "My sister", "phone": "(312) 555-0142", "availability": "Evenings"}],
    "professional_contacts": [
        {"name": "988 Suicide & Crisis Lifeline", "phone": "988", "availability": "Any time"},
        {
            "name": "My therapist at the program",
            "phone": "(312) 555-0100",
            "availability": "Weekdays",
        },
    ],
    "environment_safety": ["My sister keeps my medications and hands out a week at a time"],
}
SAFETY_CHANGES = (
    (
        "Added a coping idea after group",
        {
            "coping_strategies": [
                "Walk around the block",
                "Cold water on my face",
                "Play guitar",
                "Call my sponsor",
            ]
        },
    ),
    (
        "Reviewed after a positive screen; new warning sign",
        {
            "warning_signs": [
                "Not sleeping for two nights",
                "Staying in bed and not answering texts",
                "Giving things away",
            ]
        },
    ),
)


@dataclass(frozen=True, slots=True)
class PlansSummary:
    active_plans: int
    reviews: int
    overdue: int
    acknowledged: int
    safety_plans: int
    safety_versions: int
    discharge_ready: str  # "" when no plan was written
    safety_versions_of: str  # a patient whose safety plan has several versions, or ""

    def highlight(self) -> tuple[str, str]:
        """The "Start here" line naming the plan pages."""
        ready = self.discharge_ready and f"; every objective met: {self.discharge_ready}"
        safety = self.safety_versions_of and f"; safety plan versions: {self.safety_versions_of}"
        return (
            "Treatment plan reviews due, plans and safety plans",
            f"/plans/due/ as therapist or director ({self.overdue} overdue){ready}{safety} "
            "(Treatment plan and Safety plan tabs of the chart)",
        )


@dataclass
class _Stay:
    episode: EpisodeOfCare
    plan: TreatmentPlan
    activated_on: dt.date
    today: dt.date


def _team(episode: EpisodeOfCare, staff: Mapping[str, User]) -> dict[str, User]:
    team = getattr(episode, "care_team", None)
    therapist = (team and team.primary_therapist) or staff["director"]
    return {
        "therapist": therapist,
        "prescriber": (team and team.prescriber) or therapist,
        "case_manager": (team and team.case_manager) or therapist,
        "facilitator": (episode.cohort and episode.cohort.facilitator) or staff["facilitator"],
    }


def _fill(
    actor: Actor, plan: TreatmentPlan, specs: Sequence[GoalSpec], team: dict[str, User]
) -> None:
    """Goals, objectives and interventions for each spec, under the seeded problems when
    admission found some, else under new ones."""
    admitted = plan.episode.admitted_on or clock.localdate(plan.episode.program.zone)
    seeded = list(plan.problems.order_by("position"))
    for index, spec in enumerate(specs):
        problem = (
            seeded[index]
            if index < len(seeded)
            else plans.problem_add(actor=actor, plan=plan, statement=spec.problem)
        )
        goal = plans.goal_add(actor=actor, problem=problem, statement=spec.goal)
        steps = (*spec.steps, TAPER_STEP) if index == 0 else spec.steps
        for step in steps:
            objective = plans.objective_add(
                actor=actor,
                goal=goal,
                statement=step.statement,
                measure=step.measure,
                target_date=admitted + dt.timedelta(weeks=step.weeks),
                phase=step.phase,
            )
            for modality, frequency, who in step.interventions:
                plans.intervention_add(
                    actor=actor,
                    objective=objective,
                    modality=modality,
                    frequency=frequency,
                    responsible=team[who],
                )


def _plan_stay(
    actor: Actor, episode: EpisodeOfCare, index: int, staff: Mapping[str, User]
) -> _Stay:
    team = _team(episode, staff)
    plan = TreatmentPlan.objects.filter(episode=episode, status=PlanStatus.DRAFT).first()
    if plan is None:
        plan = plans.plan_create(actor=actor, episode=episode, by=team["therapist"])
    bank = SUBSTANCE_USE if episode.program.is_part2 else MENTAL_HEALTH
    _fill(actor, plan, [bank[index % len(bank)], bank[(index + 1) % len(bank)]], team)
    today = clock.localdate(episode.program.zone)
    admitted = episode.admitted_on or today
    on = min(admitted + ACTIVATED_AFTER, today)
    plan = plans.plan_activate(actor=actor, plan=plan, by=team["therapist"], on=on)
    return _Stay(episode, plan, on, today)


def _review_days(stay: _Stay) -> list[dt.date]:
    interval = dt.timedelta(days=stay.episode.program.plan_review_days)
    days, day = [], stay.activated_on + interval
    while day <= stay.today:
        days.append(day)
        day += interval
    return days


def _review(actor: Actor, stay: _Stay, days: list[dt.date], reviewer: User) -> int:
    for n, day in enumerate(days):
        plans.plan_review_record(
            actor=actor, plan=stay.plan, by=reviewer, reviewed_on=day, summary=REVIEWS[n % 3]
        )
    return len(days)


def _outcomes(actor: Actor, stay: _Stay, *, all_met: bool) -> None:
    """Objectives of a phase the patient has finished are met on their target date (or
    today); a discharge-ready patient's are all met."""
    current = _ORDER.get(Phase(stay.episode.phase), 0) if stay.episode.phase else 0
    objectives = PlanObjective.objects.filter(goal__problem__plan=stay.plan).order_by("pk")
    for objective in objectives.select_related("goal__problem__plan"):
        finished = _ORDER[Phase(objective.phase)] < current
        if all_met or (finished and objective.target_date <= stay.today):
            plans.objective_status_change(
                actor=actor,
                objective=objective,
                status=ObjectiveStatus.MET,
                on=max(min(objective.target_date, stay.today), stay.activated_on),
            )


def _acknowledge(actor: Actor, stay: _Stay) -> None:
    """The synthetic patient's acknowledgement. Audited as the seeder, which is what wrote
    it: the demo's audit trail names no one who did not act."""
    stay.plan.refresh_from_db()
    plans.plan_acknowledge(actor=actor, plan=stay.plan, revision=stay.plan.revision)


def _safety_plans(
    actor: Actor, stays: list[_Stay], staff: Mapping[str, User]
) -> tuple[int, int, _Stay | None]:
    alerts = SafetyAlert.objects.values_list("patient_id", "acknowledged_at")
    handled = {pid for pid, at in alerts if at is not None}
    still_open = {pid for pid, at in alerts if at is None}
    patients = versions = 0
    several: _Stay | None = None
    for index, stay in enumerate(stays):
        pid = stay.episode.patient_id
        if pid in still_open or not (pid in handled or index % 6 == 5):
            continue
        count = 2 + patients % 2 if pid in handled else 1
        author = _team(stay.episode, staff)["therapist"]
        sections = dict(SAFETY_SECTIONS)
        for number in range(count):
            note = ""
            if number:
                note, change = SAFETY_CHANGES[(number - 1) % len(SAFETY_CHANGES)]
                sections |= change
            safety_plan_save(
                actor=actor, episode=stay.episode, by=author, sections=sections, change_note=note
            )
        patients, versions = patients + 1, versions + count
        several = several or (stay if count > 1 else None)
    return patients, versions, several


def build_plans(actor: Actor, staff: Mapping[str, User]) -> PlansSummary:
    """Write every admitted episode's active plan, its reviews, outcomes and
    acknowledgement, and the safety plans (module docstring). ``staff``: users by demo
    username ("director" and "facilitator" stand in for a missing care-team seat). Audits
    through the services. Returns counts and the patients to look at."""
    episodes = list(
        EpisodeOfCare.objects.filter(state=EpisodeState.ADMITTED)
        .select_related(
            "program",
            "patient",
            "cohort__facilitator",
            "care_team__primary_therapist",
            "care_team__prescriber",
            "care_team__case_manager",
        )
        .order_by("admitted_on", "pk")
    )
    stays = [_plan_stay(actor, e, i, staff) for i, e in enumerate(episodes)]
    ready = next((s for s in stays if s.episode.phase == Phase.TAPER), stays[0] if stays else None)
    overdue = [s for s in stays if s is not ready and [d for d in _review_days(s) if d < s.today]][
        :OVERDUE
    ]
    reviews = acknowledged = 0
    for index, stay in enumerate(stays):
        days = _review_days(stay)
        reviews += _review(
            actor,
            stay,
            days[:-1] if stay in overdue else days,
            _team(stay.episode, staff)["therapist"],
        )
        if index % 7 == 3:  # acknowledged, then the plan changed: a new one is due
            _acknowledge(actor, stay)
            acknowledged += 1
        _outcomes(actor, stay, all_met=stay is ready)
        if index % 5 != 4 and index % 7 != 3:
            _acknowledge(actor, stay)
            acknowledged += 1
    patients, versions, several = _safety_plans(actor, stays, staff)
    return PlansSummary(
        active_plans=len(stays),
        reviews=reviews,
        overdue=len(overdue),
        acknowledged=acknowledged,
        safety_plans=patients,
        safety_versions=versions,
        discharge_ready=_who(ready),
        safety_versions_of=_who(several),
    )


def _who(stay: _Stay | None) -> str:
    return f"{stay.episode.patient} in {stay.episode.program.name}" if stay else ""
