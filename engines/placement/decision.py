"""The output of the placement engine: a recommended level and everything that explains it.

Frozen data only; codec.py writes it as JSON (``openiop.placement.decision``, version 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from engines.placement.levels import Level
from engines.placement.model import Population


@dataclass(frozen=True, slots=True)
class FiredRule:
    """A rule whose condition held, with its condition in words."""

    id: str
    kind: str
    floor: str | None
    condition: str
    reason: str
    source: str


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A level below the recommendation and the fired rules whose floor is above it."""

    level: str
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Barrier:
    """What must change before the patient can attend the recommended level."""

    rule: str
    level: str
    hours_available: float
    hours_needed: int
    hours_short: float
    text: str


@dataclass(frozen=True, slots=True)
class Note:
    """An action or explanation for the team, and the rules it comes from."""

    rules: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class LowerIf:
    """What would lower the level: without the ``without`` rules it would be ``level``.
    ``safety`` is True when a safety rule is among them: only a new safety screen or
    reassessment may then lower it."""

    without: tuple[str, ...]
    level: str
    safety: bool
    text: str


@dataclass(frozen=True, slots=True)
class RaiseIf:
    """A rule that did not fire and would raise the level to at least ``level``."""

    rule: str
    level: str
    condition: str
    text: str


@dataclass(frozen=True, slots=True)
class WouldChange:
    """``lower_if`` is None at the lowest level (nothing decides it)."""

    lower_if: LowerIf | None
    raise_if: tuple[RaiseIf, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """The recommended level for one assessment.

    ``fired`` lists every rule that held, in rule-table order; ``deciding`` the ids of those
    whose floor is the level; ``exclusions`` each lower level (lowest first) with the rules
    that exclude it (levels above the recommendation are not excluded, only not needed).
    """

    rules_version: str
    population: Population
    level: Level
    fired: tuple[FiredRule, ...]
    deciding: tuple[str, ...]
    exclusions: tuple[Exclusion, ...]
    barriers: tuple[Barrier, ...]
    notes: tuple[Note, ...]
    would_change: WouldChange
