"""Pure fees engine: HHS poverty guidelines, an HRSA-style sliding fee scale, out-of-pocket
estimates for OP/IOP/PHP under a patient's coverage, and payment plans.

Decimals in, frozen dataclasses out; no Django, no clock, standard library only. Money is
``decimal.Decimal`` in whole cents, rounded half-up (``money``). Bad input raises
``FeeInputError`` with a stable ``code`` and a ``field`` path. Each module's docstring cites
the rules and tables it uses (clinical.md §7 and the HealthCare.gov glossary).
"""

from engines.fees.coverage import MAX_WEEKS, Benefits, Level, LevelCharge
from engines.fees.errors import FeeInputError
from engines.fees.estimate import Breakdown, Estimate, Note, compare_levels, estimate_level
from engines.fees.guidelines import (
    TABLES,
    GuidelineTable,
    Region,
    guideline,
    guideline_table,
    region_for_state,
)
from engines.fees.money import to_cents
from engines.fees.plans import (
    MAX_INSTALLMENTS,
    Installment,
    Interval,
    add_months,
    installments,
    installments_for_amount,
)
from engines.fees.scale import (
    Determination,
    Finding,
    SlidingScale,
    Tier,
    charge_after_discount,
    default_scale,
    determine,
    hrsa_findings,
    sliding_discount,
)

__all__ = [
    "MAX_INSTALLMENTS",
    "MAX_WEEKS",
    "TABLES",
    "Benefits",
    "Breakdown",
    "Determination",
    "Estimate",
    "FeeInputError",
    "Finding",
    "GuidelineTable",
    "Installment",
    "Interval",
    "Level",
    "LevelCharge",
    "Note",
    "Region",
    "SlidingScale",
    "Tier",
    "add_months",
    "charge_after_discount",
    "compare_levels",
    "default_scale",
    "determine",
    "estimate_level",
    "guideline",
    "guideline_table",
    "hrsa_findings",
    "installments",
    "installments_for_amount",
    "region_for_state",
    "sliding_discount",
    "to_cents",
]
