"""Read assessments and write decisions as JSON (docs/placement.md).

``openiop.placement.assessment`` version 1 is a closed format: every field is required and
an unknown key is an error at its path. ``openiop.placement.decision`` version 1 is written
with a fixed key order, so the same decision always prints the same text.
"""

from __future__ import annotations

import json

from engines.placement import reading as read
from engines.placement.decision import Barrier, Decision, FiredRule, LowerIf
from engines.placement.levels import HourBand, Level
from engines.placement.model import (
    ASSESSMENT_FORMAT,
    DECISION_FORMAT,
    DIMENSION_NAMES,
    FORMAT_VERSION,
    Assessment,
    Dimension,
    InstrumentResult,
    PlacementFormatError,
    Population,
    SafetyScreen,
)

_FIELDS = (
    *("format", "version", "population", "dimensions", "instruments", "safety_screen"),
    *("needs_medical_withdrawal_management", "home_environment_enables_use"),
    *("stable_housing_and_support", "hours_available_per_week"),
)


def assessment_from_json(data: str | bytes | object) -> Assessment:
    """An Assessment from JSON text (str or UTF-8 bytes) or from parsed JSON (a dict).

    Raises PlacementFormatError(code, path, message) on the first problem (codes in
    model.PlacementFormatError); never a KeyError or TypeError.
    """
    parsed = read.json_from_text(data) if isinstance(data, str | bytes) else data
    top = read.closed(read.header(parsed, ASSESSMENT_FORMAT, FORMAT_VERSION), "$", _FIELDS)
    return Assessment(
        population=Population(_choice(top["population"], "$.population", Population)),
        dimensions=_dimensions(top["dimensions"]),
        instruments=_instruments(top["instruments"]),
        safety_screen=SafetyScreen(_choice(top["safety_screen"], "$.safety_screen", SafetyScreen)),
        needs_medical_withdrawal_management=_fact(top, "needs_medical_withdrawal_management"),
        home_environment_enables_use=_fact(top, "home_environment_enables_use"),
        stable_housing_and_support=_fact(top, "stable_housing_and_support"),
        hours_available_per_week=read.number(
            top["hours_available_per_week"], "$.hours_available_per_week"
        ),
    )


def _choice(value: object, path: str, kind: type[Population] | type[SafetyScreen]) -> str:
    found = read.text(value, path)
    if found not in {member.value for member in kind}:
        allowed = ", ".join(member.value for member in kind)
        raise PlacementFormatError("invalid_choice", path, f"{found!r} is not one of: {allowed}")
    return found


def _fact(top: dict[str, object], name: str) -> bool:
    return read.boolean(top[name], f"$.{name}")


def _dimensions(value: object) -> tuple[Dimension, ...]:
    """``{"1": {"rating": 2, "notes": "..."}, ...}``; keys are the dimension numbers."""
    path = "$.dimensions"
    if not isinstance(value, dict):
        raise PlacementFormatError("wrong_type", path, "expected an object keyed '1' to '6'")
    numbers = {str(number): number for number in DIMENSION_NAMES}
    dimensions = []
    for key, raw in value.items():
        if key not in numbers:
            message = f"'{key}' is not an ASAM dimension; keys are '1' to '6'"
            raise PlacementFormatError("unknown_dimension", f"{path}.{key}", message)
        record = read.closed(raw, f"{path}.{key}", ("rating", "notes"))
        rating = read.integer(record["rating"], f"{path}.{key}.rating")
        notes = read.text(record["notes"], f"{path}.{key}.notes")
        dimensions.append(Dimension(numbers[key], rating, notes))
    return tuple(dimensions)


def _instruments(value: object) -> tuple[InstrumentResult, ...]:
    results = []
    for index, raw in enumerate(read.json_list(value, "$.instruments")):
        path = f"$.instruments[{index}]"
        record = read.closed(raw, path, ("instrument", "total", "flags"))
        flags = read.json_list(record["flags"], f"{path}.flags")
        results.append(
            InstrumentResult(
                instrument=read.text(record["instrument"], f"{path}.instrument"),
                total=read.integer(record["total"], f"{path}.total"),
                flags=tuple(read.text(flag, f"{path}.flags[{n}]") for n, flag in enumerate(flags)),
            )
        )
    return tuple(results)


def assessment_to_json(assessment: Assessment) -> dict[str, object]:
    """The JSON object of an assessment; ``assessment_from_json`` of it is equal to it."""
    return {
        "format": ASSESSMENT_FORMAT,
        "version": FORMAT_VERSION,
        "population": assessment.population.value,
        "dimensions": {
            str(d.number): {"rating": d.rating, "notes": d.notes} for d in assessment.dimensions
        },
        "instruments": [
            {"instrument": i.instrument, "total": i.total, "flags": list(i.flags)}
            for i in assessment.instruments
        ],
        "safety_screen": assessment.safety_screen.value,
        "needs_medical_withdrawal_management": assessment.needs_medical_withdrawal_management,
        "home_environment_enables_use": assessment.home_environment_enables_use,
        "stable_housing_and_support": assessment.stable_housing_and_support,
        "hours_available_per_week": assessment.hours_available_per_week,
    }


def decision_to_json(decision: Decision) -> dict[str, object]:
    """The JSON object of a decision, keys in the documented order (docs/placement.md)."""
    return {
        "format": DECISION_FORMAT,
        "version": FORMAT_VERSION,
        "rules_version": decision.rules_version,
        "population": decision.population.value,
        "level": level_to_json(decision.level, decision.population),
        "deciding": list(decision.deciding),
        "fired": [_fired_to_json(rule) for rule in decision.fired],
        "exclusions": [{"level": e.level, "rules": list(e.rules)} for e in decision.exclusions],
        "barriers": [_barrier_to_json(barrier) for barrier in decision.barriers],
        "notes": [{"rules": list(note.rules), "text": note.text} for note in decision.notes],
        "would_change": {
            "lower": _lower_to_json(decision.would_change.lower_if),
            "raise": [
                {"rule": r.rule, "level": r.level, "condition": r.condition, "text": r.text}
                for r in decision.would_change.raise_if
            ],
        },
    }


def _fired_to_json(rule: FiredRule) -> dict[str, object]:
    return {
        "id": rule.id,
        "kind": rule.kind,
        "floor": rule.floor,
        "condition": rule.condition,
        "reason": rule.reason,
        "source": rule.source,
    }


def _barrier_to_json(barrier: Barrier) -> dict[str, object]:
    return {
        "rule": barrier.rule,
        "level": barrier.level,
        "hours_available": barrier.hours_available,
        "hours_needed": barrier.hours_needed,
        "hours_short": barrier.hours_short,
        "text": barrier.text,
    }


def decision_to_text(decision: Decision) -> str:
    """The decision as JSON text: two-space indent, UTF-8 characters kept, final newline."""
    return json.dumps(decision_to_json(decision), indent=2, ensure_ascii=False) + "\n"


def level_to_json(level: Level, population: Population) -> dict[str, object]:
    """A level with the hour band of ``population`` (null for 24-hour levels)."""
    return {
        "code": level.code,
        "name": level.name,
        "asam_label": level.asam_label,
        "edition": level.edition,
        "twenty_four_hour": level.twenty_four_hour,
        "hours_per_week": _band_to_json(level.hours(population)),
    }


def _band_to_json(band: HourBand | None) -> dict[str, int | None] | None:
    if band is None:
        return None
    return {"at_least": band.at_least, "fewer_than": band.fewer_than}


def _lower_to_json(lower: LowerIf | None) -> dict[str, object] | None:
    if lower is None:
        return None
    return {
        "without": list(lower.without),
        "level": lower.level,
        "safety": lower.safety,
        "text": lower.text,
    }
