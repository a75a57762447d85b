"""Validation of IANA time-zone names for programs."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError


def validate_time_zone(value: str) -> None:
    """Reject an empty or unknown IANA zone name with a message a director can act on."""
    if not value:
        raise ValidationError("Every program needs a time zone (for example America/Chicago).")
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone (for example America/Chicago).")
