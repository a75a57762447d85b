"""Pure scoring of standardized measurement-based-care instruments.

PHQ-9, GAD-7, PCL-5, PC-PTSD-5, AUDIT-C, DAST-10 and the NIMH ASQ: item wording, response
choices, totals, severity bands, cut-offs, safety flags, skip logic and missing-item rules,
each citing its published source in the instrument's module. Standard library only; no
Django, no database, no clock (CONVENTIONS §1).

    >>> from engines.instruments import score
    >>> score("PHQ-9", [1, 1, 1, 1, 1, 1, 1, 1, 0]).severity
    'mild'
"""

from engines.instruments.model import (
    Band,
    Completeness,
    Flag,
    Instrument,
    Item,
    Option,
    Score,
    ScoringError,
    Subscale,
)
from engines.instruments.parsing import parse_answers
from engines.instruments.registry import INSTRUMENTS, get, score
from engines.instruments.skips import drop_skipped

__all__ = [
    "INSTRUMENTS",
    "Band",
    "Completeness",
    "Flag",
    "Instrument",
    "Item",
    "Option",
    "Score",
    "ScoringError",
    "Subscale",
    "drop_skipped",
    "get",
    "parse_answers",
    "score",
]
