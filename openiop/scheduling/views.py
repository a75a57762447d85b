"""Schedule pages: a program's weeks, planning next week with live progress, the proposed
week as a diff, approval, re-plans after admissions and discharges, and the cohorts.
Thin: parse → access → one service or selector → render. Planning inputs are in
``views_inputs``."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openiop.accounts.access import program_ids_with
from openiop.accounts.actors import request_user
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires
from openiop.patients.models import EpisodeOfCare
from openiop.patients.selectors import patients_audit_listed
from openiop.programs.models import Program
from openiop.scheduling import access, selectors, services
from openiop.scheduling.errors import PlanInputInvalid
from openiop.scheduling.models import PlanKind, PlanState, SchedulePlan


def program_for(request: HttpRequest, program_id: int, capability: Capability) -> Program:
    """The program, authorized for ``capability``; Http404 for missing and not yours."""
    try:
        return access.program_access(
            request.user,
            program_id,
            actor=actor_from_request(request),
            capability=capability,
            action="SCHEDULE_VIEWED",
        )
    except NotFound as exc:
        raise Http404 from exc


def _plan_for(request: HttpRequest, program_id: int, plan_id: int, action: str) -> SchedulePlan:
    try:
        return access.plan_access(
            request.user, program_id, plan_id, actor=actor_from_request(request), action=action
        )
    except NotFound as exc:
        raise Http404 from exc


def audit_shown(request: HttpRequest, program: Program, episodes: Iterable[EpisodeOfCare]) -> None:
    """One PATIENT_LISTED row per patient a schedule page names."""
    patients = list({e.patient_id: e.patient for e in episodes}.values())
    if patients:
        ids = {p.pk for p in patients} if program.is_part2 else set()
        patients_audit_listed(actor=actor_from_request(request), patients=patients, part2_ids=ids)


@requires(Capability.VIEW_SCHEDULE)
def home(request: HttpRequest) -> HttpResponse:
    programs = list(selectors.programs_with(request.user, Capability.VIEW_SCHEDULE))
    if len(programs) == 1:
        return redirect("scheduling:program", program_id=programs[0].pk)
    return render(request, "scheduling/home.html", {"programs": programs})


@requires(Capability.VIEW_SCHEDULE)
def program_view(request: HttpRequest, program_id: int) -> HttpResponse:
    program = program_for(request, program_id, Capability.VIEW_SCHEDULE)
    overview = selectors.program_overview(program)
    can_plan = program.pk in program_ids_with(request.user, Capability.PLAN_SCHEDULE)
    if can_plan:
        audit_shown(request, program, overview.changed_episodes)
    context = {"program": program, "o": overview, "can_plan": can_plan}
    return render(request, "scheduling/program.html", context)


def _request_plan(request: HttpRequest, program_id: int, kind: PlanKind) -> HttpResponse:
    program = program_for(request, program_id, Capability.PLAN_SCHEDULE)
    try:
        plan = services.plan_request(
            actor=actor_from_request(request), program=program, by=request_user(request), kind=kind
        )
    except PlanInputInvalid as error:
        context = {"program": program, "problems": error.problems, "kind": kind}
        return render(request, "scheduling/plan_blocked.html", context, status=400)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("scheduling:program", program_id=program.pk)
    return redirect("scheduling:plan", program_id=program.pk, plan_id=plan.pk)


@require_POST
@requires(Capability.PLAN_SCHEDULE)
def plan_next_week(request: HttpRequest, program_id: int) -> HttpResponse:
    return _request_plan(request, program_id, PlanKind.NEXT_WEEK)


@require_POST
@requires(Capability.PLAN_SCHEDULE)
def replan(request: HttpRequest, program_id: int) -> HttpResponse:
    return _request_plan(request, program_id, PlanKind.REPLAN)


@requires(Capability.PLAN_SCHEDULE)
def plan_view(request: HttpRequest, program_id: int, plan_id: int) -> HttpResponse:
    plan = _plan_for(request, program_id, plan_id, "SCHEDULE_PLAN_VIEWED")
    page = selectors.plan_page(plan)
    audit_shown(request, plan.program, page.episodes)
    sessions = selectors.plan_sessions(plan) if plan.state == PlanState.APPROVED else []
    context = {
        "program": plan.program,
        "plan": plan,
        "page": page,
        "sessions": sessions,
        "can_plan": True,
    }
    return render(request, "scheduling/plan.html", context)


@requires(Capability.PLAN_SCHEDULE)
def plan_progress(request: HttpRequest, program_id: int, plan_id: int) -> HttpResponse:
    """The live progress fragment polled by the plan page (no patient data in it). Once the
    plan has left queued/running, htmx is told to reload the whole page, which shows (and
    audits) the result."""
    plan = _plan_for(request, program_id, plan_id, "SCHEDULE_PLAN_VIEWED")
    response = render(request, "scheduling/_progress.html", {"plan": plan})
    if plan.state not in (PlanState.QUEUED, PlanState.RUNNING):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@requires(Capability.PLAN_SCHEDULE)
def plan_approve(request: HttpRequest, program_id: int, plan_id: int) -> HttpResponse:
    plan = _plan_for(request, program_id, plan_id, "SCHEDULE_PLAN_APPROVED")
    try:
        services.plan_approve(
            actor=actor_from_request(request), plan=plan, by=request_user(request)
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Approved: the week's sessions are on the calendar.")
    return redirect("scheduling:plan", program_id=program_id, plan_id=plan_id)


@require_POST
@requires(Capability.PLAN_SCHEDULE)
def plan_discard(request: HttpRequest, program_id: int, plan_id: int) -> HttpResponse:
    plan = _plan_for(request, program_id, plan_id, "SCHEDULE_PLAN_DISCARDED")
    try:
        services.plan_discard(actor=actor_from_request(request), plan=plan)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("scheduling:plan", program_id=program_id, plan_id=plan_id)
    messages.success(request, "The plan was discarded; nothing changed on the calendar.")
    return redirect("scheduling:program", program_id=program_id)


@requires(Capability.VIEW_SCHEDULE)
def cohorts_view(request: HttpRequest, program_id: int) -> HttpResponse:
    program = program_for(request, program_id, Capability.VIEW_SCHEDULE)
    cohorts = selectors.cohort_list(program)
    audit_shown(request, program, (m.episode for c in cohorts for m in c.history))  # type: ignore[attr-defined]
    can_plan = program.pk in program_ids_with(request.user, Capability.PLAN_SCHEDULE)
    context = {"program": program, "cohorts": cohorts, "can_plan": can_plan}
    return render(request, "scheduling/cohorts.html", context)
