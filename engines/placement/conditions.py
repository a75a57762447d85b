"""Rule conditions as data: small frozen records that can be evaluated and put into words.

A rule's condition is never a lambda: the same record is evaluated by ``holds`` and read
aloud by ``describe``, so the reason a decision gives and the test it applied cannot drift
apart. Every leaf is monotone in risk: a higher rating, a higher total, an extra flag, or a
risk fact turning on can make it hold, never stop it holding (ScreenIs aside, which names one
category; see rules.py for why the level stays monotone anyway).

Records check their own data at construction, so a rule that names dimension 7, an unknown
instrument or a misspelt flag fails on import, not silently at the bedside.
"""

from __future__ import annotations

from dataclasses import dataclass

from engines.instruments.registry import INSTRUMENTS
from engines.placement.instrument_flags import INSTRUMENT_FLAGS, flag_meaning
from engines.placement.levels import Level
from engines.placement.model import (
    DIMENSION_NAMES,
    FACTS,
    MAX_RATING,
    Assessment,
    SafetyScreen,
)

_FACT_WORDS: dict[str, tuple[str, str]] = {
    "needs_medical_withdrawal_management": (
        "the patient needs medically monitored or managed withdrawal management",
        "the patient does not need medically monitored or managed withdrawal management",
    ),
    "home_environment_enables_use": (
        "the home environment enables use",
        "the home environment does not enable use",
    ),
    "stable_housing_and_support": (
        "the patient has stable housing and support",
        "the patient lacks stable housing and support",
    ),
}

_SCREEN_WORDS = {
    SafetyScreen.NEGATIVE: "negative",
    SafetyScreen.NON_ACUTE_POSITIVE: "non-acute positive",
    SafetyScreen.ACUTE_POSITIVE: "acute positive",
}


@dataclass(frozen=True, slots=True)
class DimensionAtLeast:
    """ASAM dimension ``dimension`` rated ``rating`` or more."""

    dimension: int
    rating: int

    def __post_init__(self) -> None:
        if self.dimension not in DIMENSION_NAMES or not 1 <= self.rating <= MAX_RATING:
            raise ValueError(f"no such dimension test: {self}")


@dataclass(frozen=True, slots=True)
class ScreenIs:
    """The suicide-risk screen (ASQ category) is ``screen``."""

    screen: SafetyScreen


@dataclass(frozen=True, slots=True)
class InstrumentAtLeast:
    """Instrument ``instrument`` was given with a total of ``total`` or more."""

    instrument: str
    total: int

    def __post_init__(self) -> None:
        known = INSTRUMENTS.get(self.instrument)
        if known is None or not known.min_total < self.total <= known.max_total:
            raise ValueError(f"no such instrument test: {self}")


@dataclass(frozen=True, slots=True)
class FlagPresent:
    """Instrument ``instrument`` was given with flag ``flag`` raised."""

    instrument: str
    flag: str

    def __post_init__(self) -> None:
        if self.flag not in INSTRUMENT_FLAGS.get(self.instrument, {}):
            raise ValueError(f"no such flag: {self}")


@dataclass(frozen=True, slots=True)
class Fact:
    """The yes/no assessment field ``name`` equals ``value`` (``value=False`` tests for
    the absence of a protective fact, e.g. no stable housing)."""

    name: str
    value: bool = True

    def __post_init__(self) -> None:
        if self.name not in FACTS:
            raise ValueError(f"no such fact: {self.name}")


@dataclass(frozen=True, slots=True)
class HoursShortOfLevel:
    """The hours available a week are fewer than the minimum of the recommended level.

    Only feasibility rules use it: it is evaluated after the level is decided, so it can
    never change the level (a barrier, not a reason to place lower).
    """


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Condition, ...]


type Condition = (
    DimensionAtLeast
    | ScreenIs
    | InstrumentAtLeast
    | FlagPresent
    | Fact
    | HoursShortOfLevel
    | AllOf
    | AnyOf
)


def holds(condition: Condition, assessment: Assessment, level: Level | None = None) -> bool:
    """Whether ``condition`` holds for ``assessment``; ``level`` is the recommended level,
    needed only by HoursShortOfLevel (ValueError without it)."""
    match condition:
        case DimensionAtLeast(dimension, rating):
            return assessment.rating(dimension) >= rating
        case ScreenIs(screen):
            return assessment.safety_screen is screen
        case InstrumentAtLeast(instrument, total):
            found = assessment.instrument(instrument)
            return found is not None and found.total >= total
        case FlagPresent(instrument, flag):
            found = assessment.instrument(instrument)
            return found is not None and flag in found.flags
        case Fact(name, value):
            return assessment.fact(name) is value
        case HoursShortOfLevel():
            return hours_short(assessment, level) > 0
        case AllOf(parts):
            return all(holds(part, assessment, level) for part in parts)
        case AnyOf(parts):
            return any(holds(part, assessment, level) for part in parts)


def hours_short(assessment: Assessment, level: Level | None) -> float:
    """Hours a week missing to reach ``level``'s minimum for the patient's population."""
    if level is None:
        raise ValueError("the hours test needs the recommended level")
    band = level.hours(assessment.population)
    return 0 if band is None else band.shortfall(assessment.hours_available_per_week)


def describe(condition: Condition) -> str:
    """The condition in plain English, e.g. "dimension 3 (…) is rated 3 or more"."""
    match condition:
        case DimensionAtLeast(dimension, rating):
            at = "4" if rating == MAX_RATING else f"{rating} or more"
            return f"dimension {dimension} ({DIMENSION_NAMES[dimension]}) is rated {at}"
        case ScreenIs(screen):
            return f"the suicide-risk screen (ASQ) is {_SCREEN_WORDS[screen]}"
        case InstrumentAtLeast(instrument, total):
            return f"the {INSTRUMENTS[instrument].short_title} total is {total} or more"
        case FlagPresent(instrument, flag):
            return f"{flag_meaning(instrument, flag)} (flag {instrument}.{flag})"
        case Fact(name, value):
            return _FACT_WORDS[name][0 if value else 1]
        case HoursShortOfLevel():
            return "the hours available a week are fewer than the recommended level's minimum"
        case AllOf(parts):
            return " and ".join(_grouped(part) for part in parts)
        case AnyOf(parts):
            return " or ".join(_grouped(part) for part in parts)


def _grouped(part: Condition) -> str:
    text = describe(part)
    return f"({text})" if isinstance(part, AllOf | AnyOf) else text


def leaves(condition: Condition) -> tuple[Condition, ...]:
    """The non-composite conditions inside ``condition``."""
    if isinstance(condition, AllOf | AnyOf):
        return tuple(leaf for part in condition.parts for leaf in leaves(part))
    return (condition,)
