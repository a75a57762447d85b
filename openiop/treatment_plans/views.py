"""Treatment-plan pages: the chart's "Plan" tab, its write endpoints, and the review due list.

Reading needs VIEW_PATIENTS (the tab is authorized and audited by ``chart_context``). Each
write needs MANAGE_TREATMENT_PLAN in the episode's program: ``plan_episode_access`` answers
404 (audited) for anyone else, and the item must belong to that episode's current plan.
Thin: parse → access → one service → back to the tab; bad input re-renders the tab with the
bound form in place (400).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from openiop.accounts.access import program_ids_with
from openiop.accounts.actors import request_user
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires
from openiop.patients.models import OPEN_STATES, EpisodeOfCare
from openiop.patients.selectors import patients_audit_listed
from openiop.patients.views import chart_context
from openiop.treatment_plans import access, services
from openiop.treatment_plans.chart_forms import Bound, plan_forms
from openiop.treatment_plans.errors import InvalidPlanInput
from openiop.treatment_plans.forms import (
    ActivateForm,
    GoalForm,
    InterventionForm,
    ObjectiveForm,
    ObjectiveStatusForm,
    ProblemForm,
    ReviewForm,
)
from openiop.treatment_plans.models import ObjectiveStatus, TreatmentPlan
from openiop.treatment_plans.selectors import plan_overview, plan_staff, plans_due_for_review

Write = Callable[[dict[str, Any]], str]


def chart_url(patient_id: int, episode_id: int) -> str:
    return f"{reverse('treatment_plans:chart', kwargs={'patient_id': patient_id})}?episode={episode_id}"


def _episode_param(request: HttpRequest) -> int | None:
    value = request.GET.get("episode", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _pick(visible: list[EpisodeOfCare], wanted: int | None) -> EpisodeOfCare | None:
    """The episode the tab shows: the one asked for, else an open one, else the latest."""
    chosen = next((e for e in visible if e.pk == wanted), None)
    chosen = chosen or next((e for e in visible if e.state in OPEN_STATES), None)
    return chosen or (visible[0] if visible else None)


def plan_page(
    request: HttpRequest,
    patient_id: int,
    *,
    episode_id: int | None = None,
    bound: Bound | None = None,
    status: int = 200,
) -> HttpResponse:
    """The tab, authorized and audited by ``chart_context`` (PATIENT_TREATMENT_PLAN_VIEWED)."""
    context = chart_context(request, patient_id, "plan")
    readable = program_ids_with(request.user, Capability.VIEW_PATIENTS)
    visible = [e for e in context["episodes"] if e.program_id in readable]
    episode = _pick(visible, episode_id)
    context["visible_episodes"] = visible
    if episode is not None:
        overview = plan_overview(episode)
        editable = access.can_manage_plan(request.user, episode)
        candidates = plan_staff(episode.program) if editable and overview else []
        context.update(
            episode=episode,
            overview=overview,
            can_edit=editable,
            can_share=access.can_share_portal(request.user, episode),
            forms=plan_forms(
                overview,
                editable=editable,
                candidates=candidates,
                bound=bound or {},
                today=context["today"],
            ),
        )
    return render(request, "treatment_plans/chart.html", context, status=status)


@requires(Capability.VIEW_PATIENTS)
def plan_chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    return plan_page(request, patient_id, episode_id=_episode_param(request))


@requires(Capability.MANAGE_TREATMENT_PLAN)
def due_list(request: HttpRequest) -> HttpResponse:
    """Active plans overdue for review or due within a week, in the user's programs; each
    patient listed is audited as PATIENT_LISTED."""
    rows = plans_due_for_review(request.user)
    patients_audit_listed(
        actor=actor_from_request(request),
        patients=list({r.episode.patient_id: r.episode.patient for r in rows}.values()),
        part2_ids={r.episode.patient_id for r in rows if r.episode.program.is_part2},
    )
    return render(request, "treatment_plans/due.html", {"rows": rows})


# --- writes ---------------------------------------------------------------------------------


def _episode(request: HttpRequest, patient_id: int, episode_id: int, action: str) -> EpisodeOfCare:
    try:
        return access.plan_episode_access(
            request.user, patient_id, episode_id, actor=actor_from_request(request), action=action
        )
    except NotFound as exc:
        raise Http404 from exc


def _fetch(fetch: Callable[..., Any], request: HttpRequest, *args: Any, action: str) -> Any:
    """Run an access function of ``access`` (the item of the episode); 404 when refused."""
    try:
        return fetch(*args, actor=actor_from_request(request), action=action)
    except NotFound as exc:
        raise Http404 from exc


def _submit(
    request: HttpRequest, episode: EpisodeOfCare, form: forms.Form, write: Write
) -> HttpResponse:
    """Run ``write`` with the cleaned data when ``form`` is valid, then go back to the tab.
    An input problem shows next to its field (the tab again, 400); a refused transition (the
    episode was discharged, the plan is incomplete) is a message on the tab."""
    if form.is_valid():
        try:
            message = write(form.cleaned_data)
        except InvalidPlanInput as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, forms.ValidationError(error.message, code=error.code))
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(chart_url(episode.patient_id, episode.pk))
        else:
            messages.success(request, message)
            return redirect(chart_url(episode.patient_id, episode.pk))
    key = form.prefix or ""
    return plan_page(
        request, episode.patient_id, episode_id=episode.pk, bound={key: form}, status=400
    )


def _candidates_form(request: HttpRequest, episode: EpisodeOfCare, prefix: str) -> InterventionForm:
    return InterventionForm(request.POST, prefix=prefix, candidates=plan_staff(episode.program))


@require_POST
@requires(Capability.MANAGE_TREATMENT_PLAN)
def plan_create(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "TREATMENT_PLAN_CREATED")
    by = request_user(request)

    def write(_: dict[str, Any]) -> str:
        services.plan_create(actor=actor_from_request(request), episode=episode, by=by)
        return "Draft treatment plan started."

    return _submit(request, episode, forms.Form(request.POST, prefix="create"), write)


def _current_plan(request: HttpRequest, episode: EpisodeOfCare, action: str) -> TreatmentPlan:
    plan: TreatmentPlan = _fetch(access.current_plan_of, request, episode, action=action)
    return plan


@require_POST
@requires(Capability.MANAGE_TREATMENT_PLAN)
def problem_add(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    action = "TREATMENT_PLAN_PROBLEM_ADDED"
    episode = _episode(request, patient_id, episode_id, action)
    plan = _current_plan(request, episode, action)

    def write(cd: dict[str, Any]) -> str:
        services.problem_add(actor=actor_from_request(request), plan=plan, **cd)
        return "Problem added."

    return _submit(request, episode, ProblemForm(request.POST, prefix="problem-add"), write)


@require_POST
@requires(Capability.MANAGE_TREATMENT_PLAN)
def problem_edit(
    request: HttpRequest, patient_id: int, episode_id: int, problem_id: int
) -> HttpResponse:
    action = "TREATMENT_PLAN_PROBLEM_CHANGED"
    episode = _episode(request, patient_id, episode_id, action)
    problem = _fetch(access.problem_of, request, episode, problem_id, action=action)

    def write(cd: dict[str, Any]) -> str:
        services.problem_edit(actor=actor_from_request(request), problem=problem, **cd)
        return "Problem saved."

    form = ProblemForm(request.POST, prefix=f"problem-{problem.pk}")
    return _submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_TREATMENT_PLAN)
def goal_add(
    request: HttpRequest, patient_id: int, episode_id: int, problem_id: int
) -> HttpResponse:
    action = "TREATMENT_PLAN_GOAL_ADDED"
    episode = _episode(request, patient_id, episode_id, action)
    problem = _fetch(access.problem_of, request, episode, problem_id, action=action)

    def write(cd: dict[str, Any]) -> str:
        services.goal_add(actor=actor_from_request(request), problem=problem, **cd)
        return "Goal added."

    return _submit(request, episode, GoalForm(request.POST, prefix=f"goal-add-{problem.pk}"), write)


@require_POST
@requires(Capability.MANAGE_TREATMENT_PLAN)
def goal_edit(request: HttpRequest, patient_id: int, episode_id: int, goal_id: int) -> HttpResponse:
    action = "TREATMENT_PLAN_GOAL_CHANGED"
    episode = _episode(request, patient_id, episode_id, action)
    goal = _fetch(access.goal_of, request, episode, goal_id, action=action)

    def write(cd: dict[str, Any]) -> str:
        services.goal_edit(actor=actor_from_request(request), goal=goal, **cd)
        return "Goal saved."

    return _submit(request, episode, GoalForm(request.POST, prefix=f"goal-{goal.pk}"), write)


@require_POST
@requires(Capability.MANAGE_TREATMENT_PLAN)
def objective_add(
    request: HttpRequest, patient_id: int, episode_id: int, goal_id: int
) -> HttpResponse:
    action = "TREATMENT_PLAN_OBJECTIVE_ADDED"
    episode = _episode(request, patient_id, episode_id, action)
    goal = _fetch(access.goal_of, request, episode, goal_id, action=action)

    def write(cd: dict[str, Any]) -> str:
        services.objective_add(actor=actor_from_request(request), goal=goal, **cd)
        return "Objective added."

    form = ObjectiveForm(request.POST, prefix=f"objective-add-{goal.pk}")
    return _submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_TREATMENT_PLAN)
def objective_edit(
    request: HttpRequest, patient_id: int, episode_id: int, objective_id: int
) -> HttpResponse:
    action = "TREATMENT_PLAN_OBJECTIVE_CHANGED"
    episode = _episode(request, patient_id, episode_id, action)
    objective = _fetch(access.objective_of, request, episode, objective_id, action=action)

    def write(cd: dict[str, Any]) -> str:
        services.objective_edit(actor=actor_from_request(request), objective=objective, **cd)
        return "Objective saved."

    form = ObjectiveForm(request.POST, prefix=f"objective-{objective.pk}")
    return _submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_TREATMENT_PLAN)
def objective_status(
    request: HttpRequest, patient_id: int, episode_id: int, objective_id: int
) -> HttpResponse:
    action = "TREATMENT_PLAN_OBJECTIVE_STATUS_CHANGED"
    episode = _episode(request, patient_id, episode_id, action)
    objective = _fetch(access.objective_of, request, episode, objective_id, action=action)

    def write(cd: dict[str, Any]) -> str:
        status = ObjectiveStatus(cd["status"])
        services.objective_status_change(
            actor=actor_from_request(request), objective=objective, status=status, on=cd["on"]
        )
        return f"Objective marked {status.label.lower()}."

    form = ObjectiveStatusForm(request.POST, prefix=f"status-{objective.pk}")
    return _submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_TREATMENT_PLAN)
def intervention_add(
    request: HttpRequest, patient_id: int, episode_id: int, objective_id: int
) -> HttpResponse:
    action = "TREATMENT_PLAN_INTERVENTION_ADDED"
    episode = _episode(request, patient_id, episode_id, action)
    objective = _fetch(access.objective_of, request, episode, objective_id, action=action)

    def write(cd: dict[str, Any]) -> str:
        services.intervention_add(actor=actor_from_request(request), objective=objective, **cd)
        return "Intervention added."

    form = _candidates_form(request, episode, f"intervention-add-{objective.pk}")
    return _submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_TREATMENT_PLAN)
def intervention_edit(
    request: HttpRequest, patient_id: int, episode_id: int, intervention_id: int
) -> HttpResponse:
    action = "TREATMENT_PLAN_INTERVENTION_CHANGED"
    episode = _episode(request, patient_id, episode_id, action)
    item = _fetch(access.intervention_of, request, episode, intervention_id, action=action)

    def write(cd: dict[str, Any]) -> str:
        services.intervention_edit(actor=actor_from_request(request), intervention=item, **cd)
        return "Intervention saved."

    form = _candidates_form(request, episode, f"intervention-{item.pk}")
    return _submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_TREATMENT_PLAN)
def plan_activate(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    action = "TREATMENT_PLAN_ACTIVATED"
    episode = _episode(request, patient_id, episode_id, action)
    plan = _current_plan(request, episode, action)
    by = request_user(request)

    def write(cd: dict[str, Any]) -> str:
        services.plan_activate(actor=actor_from_request(request), plan=plan, by=by, on=cd["on"])
        return "Treatment plan activated. Give the patient a portal link to acknowledge it."

    return _submit(request, episode, ActivateForm(request.POST, prefix="activate"), write)


@require_POST
@requires(Capability.MANAGE_TREATMENT_PLAN)
def review_add(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    action = "TREATMENT_PLAN_REVIEWED"
    episode = _episode(request, patient_id, episode_id, action)
    plan = _current_plan(request, episode, action)
    by = request_user(request)

    def write(cd: dict[str, Any]) -> str:
        services.plan_review_record(actor=actor_from_request(request), plan=plan, by=by, **cd)
        return "Plan review recorded."

    return _submit(request, episode, ReviewForm(request.POST, prefix="review"), write)
