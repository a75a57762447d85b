"""The chart header's open safety alerts. The patients context renders the header but knows
nothing of measures; the header pulls this tag instead (the higher layer serves the lower
one without an import going the wrong way)."""

from __future__ import annotations

from typing import Any

from django import template

import engines.instruments as instruments
from openiop.accounts.access import program_ids_with
from openiop.core.capabilities import Capability
from openiop.measures.models import SafetyAlert, Source, Timepoint

register = template.Library()


@register.inclusion_tag("measures/_open_alerts.html")
def open_safety_alerts(patient: Any, user: Any) -> dict[str, Any]:
    """Every unacknowledged alert of the patient in the viewer's programs (one query). The
    chart shows them until someone records the action taken."""
    alerts = (
        SafetyAlert.objects.filter(
            patient=patient,
            acknowledged_at__isnull=True,
            episode__program_id__in=program_ids_with(user, Capability.VIEW_PATIENTS),
        )
        .select_related("response")
        .order_by("-raised_at")
    )
    return {"alerts": list(alerts), "patient": patient}


@register.filter
def instrument_title(instrument_id: str) -> str:
    """PHQ-9 for "phq9"; the id itself for an instrument this engine no longer knows."""
    try:
        return instruments.get(instrument_id).short_title
    except instruments.ScoringError:
        return instrument_id


@register.filter
def timepoint_label(value: str) -> str:
    try:
        return str(Timepoint(value).label)
    except ValueError:
        return value


@register.filter
def source_label(value: str) -> str:
    try:
        return str(Source(value).label)
    except ValueError:
        return value


@register.filter
def pct(result: Any, count: int | None) -> str:
    """A PrePost percentage for display: "42 %", or an en dash where it cannot be computed."""
    value = result.pct(count)
    return "–" if value is None else f"{value:.0f} %"


@register.filter
def num(value: float | None, places: int = 1) -> str:
    return "–" if value is None else f"{value:.{places}f}"
