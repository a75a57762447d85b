"""Pure rules of the weekly care-team review: the composite functional-relapse signal and
the plateau reading of discharge readiness.

Plain frozen dataclasses in, results out; no Django, no database, no clock. The care-meeting
adapter (``openiop.care_meetings.agenda``) counts what each rule needs and saves what it says.
Every threshold here is a project definition, stated as such in its module's docstring.
"""

from engines.relapse.model import (
    AttendanceHistory,
    Component,
    ComponentCode,
    Plateau,
    RelapseInputs,
    RelapseSignal,
    Series,
)
from engines.relapse.plateau import PLATEAU_RULES, PlateauRules, plateaus
from engines.relapse.signal import RULES, Rules, attendance_drop, functional_relapse, weight

__all__ = [
    "PLATEAU_RULES",
    "RULES",
    "AttendanceHistory",
    "Component",
    "ComponentCode",
    "Plateau",
    "PlateauRules",
    "RelapseInputs",
    "RelapseSignal",
    "Rules",
    "Series",
    "attendance_drop",
    "functional_relapse",
    "plateaus",
    "weight",
]
