"""Writes of the medications context. Each validates first, raises an
``openiop.medications.errors`` refusal with a stable code and the form field it belongs to
(nothing is written then), and audits in the same transaction (see each module)."""

from openiop.medications.services.medications import (
    MAX_SCHEDULED_START_DAYS,
    medication_change,
    medication_start,
    medication_stop,
    medication_watch_seen,
)
from openiop.medications.services.screens import drug_screen_record, screen_results

__all__ = [
    "MAX_SCHEDULED_START_DAYS",
    "drug_screen_record",
    "medication_change",
    "medication_start",
    "medication_stop",
    "medication_watch_seen",
    "screen_results",
]
