"""Assessments for the placement tests: a baseline that fires no rule, and changes to it."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

from engines.placement import (
    Assessment,
    Dimension,
    InstrumentResult,
    Population,
    SafetyScreen,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples" / "placement"


def assessment(
    ratings: dict[int, int] | None = None,
    instruments: tuple[tuple[str, int, tuple[str, ...]], ...] = (),
    **fields: Any,
) -> Assessment:
    """The baseline (every dimension 0, no instruments, negative screen, no risk facts,
    stable housing, 40 hours available: no rule fires) with ``ratings`` and ``fields``
    changed."""
    given = {number: 0 for number in range(1, 7)} | (ratings or {})
    values: dict[str, Any] = {
        "population": Population.ADULT,
        "dimensions": tuple(Dimension(n, given[n], "") for n in range(1, 7)),
        "instruments": tuple(InstrumentResult(i, t, f) for i, t, f in instruments),
        "safety_screen": SafetyScreen.NEGATIVE,
        "needs_medical_withdrawal_management": False,
        "home_environment_enables_use": False,
        "stable_housing_and_support": True,
        "hours_available_per_week": 40,
    }
    return Assessment(**(values | fields))


def with_rating(base: Assessment, number: int, rating: int) -> Assessment:
    dimensions = tuple(
        replace(d, rating=rating) if d.number == number else d for d in base.dimensions
    )
    return replace(base, dimensions=dimensions)


BASE_JSON: dict[str, Any] = {
    "format": "openiop.placement.assessment",
    "version": 1,
    "population": "adult",
    "dimensions": {str(n): {"rating": 0, "notes": ""} for n in range(1, 7)},
    "instruments": [{"instrument": "phq9", "total": 5, "flags": []}],
    "safety_screen": "negative",
    "needs_medical_withdrawal_management": False,
    "home_environment_enables_use": False,
    "stable_housing_and_support": True,
    "hours_available_per_week": 40,
}


def base_json() -> dict[str, Any]:
    """A fresh deep copy of a valid assessment document, safe to mutate."""
    return copy.deepcopy(BASE_JSON)


def example_names() -> list[str]:
    """The documented example assessments (each has a NAME.decision.json beside it)."""
    return sorted(
        path.name.removesuffix(".json")
        for path in EXAMPLES.glob("*.json")
        if not path.name.endswith(".decision.json")
    )
