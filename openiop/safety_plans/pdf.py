"""The printable safety plan: one version on a page or two, for the patient to keep. Printed
with WeasyPrint, as the welcome packet is (openiop/admissions/packet.py); the template inlines
its styles, so WeasyPrint fetches nothing over the network."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from openiop.audit.services import audit_record
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.safety_plans.models import SafetyPlan
from openiop.safety_plans.sections import CRISIS_LINE
from openiop.safety_plans.selectors import sections_of
from openiop.safety_plans.services import safety_plan_entry


def safety_plan_context(plan: SafetyPlan) -> dict[str, Any]:
    """What the printout shows: the version's sections, its date, and the crisis line."""
    zone = plan.episode.program.zone
    return {
        "plan": plan,
        "patient": plan.patient,
        "sections": sections_of(plan),
        "saved_on": clock.localdate(zone, plan.created_at),
        "printed_on": clock.localdate(zone),
        "crisis_line": CRISIS_LINE,
    }


def safety_plan_pdf(plan: SafetyPlan) -> bytes:
    """The version as PDF bytes."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy; only this export

    html = render_to_string("safety_plans/pdf.html", safety_plan_context(plan))
    return bytes(HTML(string=html).write_pdf())


def safety_plan_print(*, actor: Actor, plan: SafetyPlan, via: str = "chart") -> bytes:
    """The PDF of a version the caller authorized; audits SAFETY_PLAN_PRINTED once it is
    built (``via``: "chart" for staff, "portal" for the patient)."""
    content = safety_plan_pdf(plan)
    audit_record(actor=actor, entry=safety_plan_entry("SAFETY_PLAN_PRINTED", plan, via=via))
    return content
