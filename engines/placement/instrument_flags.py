"""The flag codes each instrument's scorer can raise, with a plain-English meaning.

An assessment names instrument flags by code (``suicidal_ideation``), and a safety rule
fires on one. A misspelt flag would silently fail to fire a safety rule, so the reader
refuses any flag not listed here. The codes are the ones ``engines.instruments`` emits (the
registry does not list them itself); tests/engines/placement/test_instrument_flags.py scores
each instrument and checks that every flag it raises is listed here, and that every listed
flag is raised by some answer set.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

INSTRUMENT_FLAGS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "phq9": MappingProxyType(
            {
                "suicidal_ideation": "PHQ-9 item 9 (thoughts of being better off dead or of "
                "self-harm) answered above 'not at all'",
                "positive_screen": "PHQ-9 total of 10 or more (positive depression screen)",
            }
        ),
        "gad7": MappingProxyType(
            {"positive_screen": "GAD-7 total of 10 or more (positive anxiety screen)"}
        ),
        "pcl5": MappingProxyType({"probable_ptsd": "PCL-5 total of 33 or more (probable PTSD)"}),
        "pcptsd5": MappingProxyType(
            {"positive_screen": "PC-PTSD-5 of 3 or more (positive PTSD screen)"}
        ),
        "auditc": MappingProxyType(
            {
                "positive_screen": "AUDIT-C of 4 or more (positive alcohol screen)",
                "positive_screen_women": "AUDIT-C of 3 (positive alcohol screen for women)",
            }
        ),
        "dast10": MappingProxyType({}),
        "asq": MappingProxyType(
            {
                "asq_positive": "ASQ positive suicide-risk screen",
                "asq_acute": "ASQ acute positive suicide-risk screen (imminent risk)",
            }
        ),
    }
)


def flag_meaning(instrument: str, flag: str) -> str:
    """The plain-English meaning of a listed flag. Raises KeyError for an unlisted one."""
    return INSTRUMENT_FLAGS[instrument][flag]
