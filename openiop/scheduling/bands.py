"""Weekly hour targets per treatment phase, by level of care.

Defaults follow clinical.md §1.1 (ASAM Criteria 3rd ed. and the Medicare IOP benefit):
IOP (ASAM 2.1) is 9–19 h/week for adults, PHP (2.5) is at least 20 h/week, OP (1) is under
9 h/week. Inside those bands programs taper intensity as a patient progresses: the
stabilization phase gets the most hours, core fewer, and taper the least that still counts as
the level of care (9 h for IOP, 20 h for PHP). A program may override each phase through
``HourBand`` rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from openiop.patients.models import Phase
from openiop.programs.models import LevelOfCare

Band = tuple[int, int]

DEFAULT_PHASE_BANDS: Mapping[str, Mapping[str, Band]] = MappingProxyType(
    {
        LevelOfCare.IOP: MappingProxyType(
            {Phase.STABILIZATION: (12, 15), Phase.CORE: (10, 12), Phase.TAPER: (9, 9)}
        ),
        LevelOfCare.PHP: MappingProxyType(
            {Phase.STABILIZATION: (20, 25), Phase.CORE: (20, 25), Phase.TAPER: (20, 22)}
        ),
        LevelOfCare.OP: MappingProxyType(
            {Phase.STABILIZATION: (1, 3), Phase.CORE: (1, 3), Phase.TAPER: (1, 2)}
        ),
    }
)

PHASE_NUMBER: Mapping[str, int] = MappingProxyType(
    {Phase.STABILIZATION: 1, Phase.CORE: 2, Phase.TAPER: 3}
)


def default_band(level_of_care: str, phase: str) -> Band:
    """The default (min, max) weekly hours for ``phase`` at ``level_of_care``.
    Raises KeyError for an unknown level or phase."""
    return DEFAULT_PHASE_BANDS[level_of_care][phase]
