"""Safety-plan pages: the chart's "Safety plan" tab (current version, version list, a prompt
after a positive screen), one earlier version, the printable PDF, and the edit form.

Reading needs VIEW_PATIENTS (``chart_context`` authorizes and audits the tab); saving a new
version needs MANAGE_SAFETY_PLAN in the episode's program (404, audited, for anyone else).
Thin: parse → access → one service or selector → render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openiop.accounts.access import program_ids_with
from openiop.accounts.actors import request_user
from openiop.audit.models import DataCategory
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires
from openiop.patients.access import patient_access
from openiop.patients.models import EpisodeOfCare
from openiop.patients.views import chart_context
from openiop.safety_plans import services
from openiop.safety_plans.access import editable_episode, safety_plan_episode_access, version_of
from openiop.safety_plans.errors import InvalidSafetyPlan
from openiop.safety_plans.forms import SafetyPlanForm
from openiop.safety_plans.pdf import safety_plan_print
from openiop.safety_plans.sections import first_plan_suggestion
from openiop.safety_plans.selectors import (
    alert_needing_plan,
    safety_plan_current,
    safety_plan_versions,
    sections_of,
)


@requires(Capability.VIEW_PATIENTS)
def safety_plan_chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    context = chart_context(request, patient_id, "safety_plan")
    patient = context["patient"]
    readable = program_ids_with(request.user, Capability.VIEW_PATIENTS)
    versions = safety_plan_versions(patient, readable)
    current = versions[0] if versions else None
    context.update(
        versions=versions,
        shown=current,
        sections=sections_of(current),
        alert=alert_needing_plan(patient, current, readable),
        can_edit=editable_episode(request.user, context["episodes"]) is not None,
    )
    return render(request, "safety_plans/chart.html", context)


@requires(Capability.VIEW_PATIENTS)
def safety_plan_version(request: HttpRequest, patient_id: int, version: int) -> HttpResponse:
    """One version, current or earlier, as it was saved."""
    context = chart_context(request, patient_id, "safety_plan")
    try:
        shown = version_of(
            request.user,
            context["patient"],
            version,
            actor=actor_from_request(request),
            action="PATIENT_SAFETY_PLAN_VIEWED",
        )
    except NotFound as exc:
        raise Http404 from exc
    readable = program_ids_with(request.user, Capability.VIEW_PATIENTS)
    versions = safety_plan_versions(context["patient"], readable)
    context.update(versions=versions, shown=shown, sections=sections_of(shown))
    return render(request, "safety_plans/version.html", context)


@requires(Capability.VIEW_PATIENTS)
def safety_plan_pdf(request: HttpRequest, patient_id: int, version: int) -> HttpResponse:
    """The printable version, for the patient to keep; audited SAFETY_PLAN_PRINTED."""
    actor = actor_from_request(request)
    try:
        patient = patient_access(
            request.user,
            patient_id,
            actor=actor,
            action="SAFETY_PLAN_PRINTED",
            category=DataCategory.SAFETY_PLAN,
            audit_success=False,
        )
        plan = version_of(request.user, patient, version, actor=actor, action="SAFETY_PLAN_PRINTED")
    except NotFound as exc:
        raise Http404 from exc
    response = HttpResponse(
        safety_plan_print(actor=actor, plan=plan), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="safety-plan-v{plan.version}.pdf"'
    return response


def _edit_page(
    request: HttpRequest, patient_id: int, form: SafetyPlanForm | None, *, status: int = 200
) -> HttpResponse:
    context = chart_context(request, patient_id, "safety_plan")
    episode = editable_episode(request.user, context["episodes"])
    if episode is None:
        raise Http404
    current = safety_plan_current(
        patient_id, program_ids_with(request.user, Capability.VIEW_PATIENTS)
    )
    if form is None:
        start: dict[str, Any] = current.sections if current else first_plan_suggestion()
        form = SafetyPlanForm(sections=start)
    context.update(form=form, episode=episode, current=current)
    return render(request, "safety_plans/edit.html", context, status=status)


@requires(Capability.MANAGE_SAFETY_PLAN)
def safety_plan_edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The form for the next version, starting from the current one (or, for a first plan,
    with the 988 crisis line suggested)."""
    return _edit_page(request, patient_id, None)


@require_POST
@requires(Capability.MANAGE_SAFETY_PLAN)
def safety_plan_save(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        episode: EpisodeOfCare = safety_plan_episode_access(
            request.user, patient_id, episode_id, actor=actor, action="SAFETY_PLAN_SAVED"
        )
    except NotFound as exc:
        raise Http404 from exc
    form = SafetyPlanForm(request.POST, sections={})
    if form.is_valid():
        try:
            plan = services.safety_plan_save(
                actor=actor,
                episode=episode,
                by=request_user(request),
                sections=form.sections(),
                change_note=form.cleaned_data["change_note"],
            )
        except InvalidSafetyPlan as error:
            form.add_problems(error.problems)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("safety_plans:chart", patient_id=patient_id)
        else:
            messages.success(request, f"Safety plan version {plan.version} saved.")
            return redirect("safety_plans:chart", patient_id=patient_id)
    return _edit_page(request, patient_id, form, status=400)
