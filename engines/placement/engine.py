"""``place(assessment) -> Decision``: the level-of-care recommendation.

The level is the highest floor among the rules whose conditions hold (OP when none does).
So no rule can pull the level down, and a fired safety rule's floor is always met: the
engine has no "lower" effect at all. Hours available are checked only after the level is
decided, and a shortfall becomes a barrier (what must change), never a lower level.

Pure: no clock, no I/O; the same assessment always gives the same decision.
"""

from __future__ import annotations

from collections.abc import Iterable

from engines.placement.conditions import describe, holds, hours_short
from engines.placement.decision import (
    Barrier,
    Decision,
    Exclusion,
    FiredRule,
    LowerIf,
    Note,
    RaiseIf,
    WouldChange,
)
from engines.placement.levels import LEVELS, LOWEST, Level, level_by_code
from engines.placement.model import Assessment, Population
from engines.placement.rules import RULES, RULES_VERSION, Kind, Rule

_WITHDRAWAL = level_by_code("withdrawal_management")


def place(assessment: Assessment) -> Decision:
    """Recommend a level of care for ``assessment``.

    Preconditions: ``assessment`` was constructed, so it is complete and valid (Assessment
    raises PlacementFormatError otherwise). Raises nothing itself.
    """
    placing = tuple(rule for rule in RULES if not rule.barrier and holds(rule.when, assessment))
    level = highest_floor(placing)
    barring = tuple(rule for rule in RULES if rule.barrier and holds(rule.when, assessment, level))
    fired = tuple(rule for rule in RULES if rule in placing or rule in barring)
    deciding = tuple(rule for rule in placing if rule.floor == level.code)
    return Decision(
        rules_version=RULES_VERSION,
        population=assessment.population,
        level=level,
        fired=tuple(_fired(rule) for rule in fired),
        deciding=tuple(rule.id for rule in deciding),
        exclusions=_exclusions(placing, level),
        barriers=tuple(_barrier(rule, assessment, level) for rule in barring),
        notes=_notes(placing, level),
        would_change=WouldChange(_lower_if(placing, deciding), _raise_if(placing, level)),
    )


def highest_floor(rules: Iterable[Rule]) -> Level:
    """The most intensive floor among ``rules``; OP when none sets a floor."""
    floors = [level_by_code(rule.floor) for rule in rules if rule.floor is not None]
    return max(floors, key=lambda level: level.rank, default=LOWEST)


def _fired(rule: Rule) -> FiredRule:
    return FiredRule(
        id=rule.id,
        kind=rule.kind.value,
        floor=rule.floor,
        condition=describe(rule.when),
        reason=rule.reason,
        source=rule.source,
    )


def _exclusions(placing: tuple[Rule, ...], level: Level) -> tuple[Exclusion, ...]:
    return tuple(
        Exclusion(
            level=lower.code,
            rules=tuple(
                rule.id
                for rule in placing
                if rule.floor is not None and level_by_code(rule.floor).rank > lower.rank
            ),
        )
        for lower in LEVELS
        if lower.rank < level.rank
    )


def _barrier(rule: Rule, assessment: Assessment, level: Level) -> Barrier:
    band = level.hours(assessment.population)
    if band is None or band.at_least is None:
        raise AssertionError(f"{rule.id} fired for {level.code}, which has no hour minimum")
    # Rounded for people (9 - 6.3 is 2.7000000000000002 in floats), but a real shortfall
    # never rounds away to "0 more hours".
    short = max(round(hours_short(assessment, level), 2), 0.01)
    available = assessment.hours_available_per_week
    who = "adolescents" if assessment.population is Population.ADOLESCENT else "adults"
    are = "is" if available == 1 else "are"
    hours = "hour" if short == 1 else "hours"
    return Barrier(
        rule=rule.id,
        level=level.code,
        hours_available=available,
        hours_needed=band.at_least,
        hours_short=short,
        text=f"{level.name} needs at least {band.at_least} hours a week for {who}; "
        f"{_hours(available)} {are} available, so {_hours(short)} more {hours} a week must be "
        "found (work, school, transport or childcare arrangements). The level is not lowered "
        "to fit the hours.",
    )


def _hours(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _notes(placing: tuple[Rule, ...], level: Level) -> tuple[Note, ...]:
    notes = [Note((rule.id,), rule.note) for rule in placing if rule.note is not None]
    withdrawal = tuple(rule.id for rule in placing if rule.floor == _WITHDRAWAL.code)
    if withdrawal and level.rank > _WITHDRAWAL.rank:
        notes.append(Note(withdrawal, _WITHIN_STAY[level.code]))
    if level is _WITHDRAWAL:
        notes.append(Note(withdrawal, _after_withdrawal(placing)))
    return tuple(notes)


# 24-hour levels provide withdrawal management themselves (levels.py explains the ranking).
_WITHIN_STAY = {
    "residential": "Withdrawal management is needed too: choose a residential program that "
    "provides medically monitored withdrawal management (Level 3.7-WM); no separate "
    "withdrawal-management admission is needed.",
    "inpatient": "Withdrawal management is provided within the inpatient stay (Level 4-WM); no "
    "separate withdrawal-management admission is needed.",
}


def _after_withdrawal(placing: tuple[Rule, ...]) -> str:
    """The continuing-care level the other findings point to once withdrawal is managed."""
    after = [rule for rule in placing if rule.floor not in (None, _WITHDRAWAL.code)]
    if not after:
        return "After withdrawal management, reassess the level of care for continuing treatment."
    level = highest_floor(after)
    ids = ", ".join(rule.id for rule in after if rule.floor == level.code)
    return (
        f"After withdrawal management, reassess: the other findings point to at least "
        f"{level.name} ({ids}) for continuing treatment."
    )


def _lower_if(placing: tuple[Rule, ...], deciding: tuple[Rule, ...]) -> LowerIf | None:
    if not deciding:
        return None
    lower = highest_floor(rule for rule in placing if rule not in deciding)
    conditions = "; ".join(f"{rule.id}: {describe(rule.when)}" for rule in deciding)
    these = "this" if len(deciding) == 1 else "these"
    text = f"If {these} no longer held ({conditions}), the level would be {lower.name}."
    safety = tuple(rule.id for rule in deciding if rule.kind is Kind.SAFETY)
    if safety:
        text = (
            f"{_safety_subject(safety, len(deciding))} the level, so only a new safety screen "
            f"or reassessment can lower it. {text}"
        )
    return LowerIf(
        without=tuple(rule.id for rule in deciding),
        level=lower.code,
        safety=bool(safety),
        text=text,
    )


def _safety_subject(safety: tuple[str, ...], deciding: int) -> str:
    """ "Safety rule S1 decides", or "Safety rules S2, S3 are among the rules deciding"."""
    rules = f"rule {safety[0]}" if len(safety) == 1 else f"rules {', '.join(safety)}"
    if len(safety) == deciding:
        return f"Safety {rules} {'decides' if len(safety) == 1 else 'decide'}"
    verb = "is" if len(safety) == 1 else "are"
    return f"Safety {rules} {verb} among the rules deciding"


def _raise_if(placing: tuple[Rule, ...], level: Level) -> tuple[RaiseIf, ...]:
    return tuple(
        RaiseIf(
            rule=rule.id,
            level=rule.floor,
            condition=describe(rule.when),
            text=f"If {describe(rule.when)}, the level would be at least "
            f"{level_by_code(rule.floor).name} ({rule.id}).",
        )
        for rule in RULES
        if rule.floor is not None
        and rule not in placing
        and level_by_code(rule.floor).rank > level.rank
    )
