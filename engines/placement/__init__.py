"""Level-of-care placement: which level of care an intake assessment points to, and why.

A pure engine (no Django, no clock, no database): ``place(assessment) -> Decision``. The
rules are data (``RULES``), each with a condition record, a floor, note or barrier, and a
source; the decision is the highest floor among the rules that hold. docs/placement.md
documents the formats, the rule table and the limits.

"""

from engines.placement.codec import (
    assessment_from_json,
    assessment_to_json,
    decision_to_json,
    decision_to_text,
)
from engines.placement.decision import Decision
from engines.placement.engine import place
from engines.placement.levels import LEVELS, HourBand, Level, UnknownLevelError, level_by_code
from engines.placement.model import (
    Assessment,
    Dimension,
    InstrumentResult,
    PlacementFormatError,
    Population,
    SafetyScreen,
)
from engines.placement.rules import RULES, RULES_VERSION, Kind, Rule

__all__ = [
    "LEVELS",
    "RULES",
    "RULES_VERSION",
    "Assessment",
    "Decision",
    "Dimension",
    "HourBand",
    "InstrumentResult",
    "Kind",
    "Level",
    "PlacementFormatError",
    "Population",
    "Rule",
    "SafetyScreen",
    "UnknownLevelError",
    "assessment_from_json",
    "assessment_to_json",
    "decision_to_json",
    "decision_to_text",
    "level_by_code",
    "place",
]
