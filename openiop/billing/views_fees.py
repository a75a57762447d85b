"""Fee writes: an episode's fee determination and payment plans (from the chart tab), and a
program's fee settings page (per-diem charges and sliding fee scale). All need MANAGE_FEES in
the program; another program's user gets an audited 404. Thin: parse → access → one service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

import engines.fees as fees
from openiop.accounts.access import program_ids_with
from openiop.accounts.actors import request_user
from openiop.billing import services
from openiop.billing.access import installment_of, payment_plan_of, program_for_fees
from openiop.billing.errors import InvalidInput
from openiop.billing.forms import (
    FeeDeterminationForm,
    FeeScaleForm,
    InstallmentPaidForm,
    LevelChargeForm,
    PaymentPlanForm,
    TierFormSet,
)
from openiop.billing.models import PaymentPlan
from openiop.billing.scales import (
    current_guideline_year,
    default_tiers,
    guideline_years,
    tiers_from_json,
    tiers_to_json,
)
from openiop.billing.selectors import current_scale, program_charges
from openiop.billing.views import chart_url, submit
from openiop.core import clock
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import DomainError, NotFound
from openiop.core.policy import requires
from openiop.patients.models import EpisodeOfCare
from openiop.patients.views import episode_for_action
from openiop.programs.models import LevelOfCare, Program


def _episode(request: HttpRequest, patient_id: int, episode_id: int, action: str) -> EpisodeOfCare:
    episode: EpisodeOfCare = episode_for_action(
        request, patient_id, episode_id, Capability.MANAGE_FEES, action
    )
    return episode


def _plan(request: HttpRequest, episode: EpisodeOfCare, plan_id: int, action: str) -> PaymentPlan:
    try:
        return payment_plan_of(episode, plan_id, actor=actor_from_request(request), action=action)
    except NotFound as exc:
        raise Http404 from exc


@require_POST
@requires(Capability.MANAGE_FEES)
def fee_determine(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "FEE_DETERMINED")
    form = FeeDeterminationForm(request.POST, prefix="determination")

    def write() -> str:
        row = services.fee_determine(
            actor=actor_from_request(request),
            episode=episode,
            determined_by=request_user(request),
            report=form.report(),
        )
        return f"Fee determination recorded: {row.tier_label}."

    return submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_FEES)
def payment_plan_create(request: HttpRequest, patient_id: int, episode_id: int) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "PAYMENT_PLAN_CREATED")
    form = PaymentPlanForm(request.POST, prefix="plan")

    def write() -> str:
        services.payment_plan_create(
            actor=actor_from_request(request),
            episode=episode,
            created_by=request_user(request),
            terms=form.terms(),
        )
        return "Payment plan created."

    return submit(request, episode, form, write)


@require_POST
@requires(Capability.MANAGE_FEES)
def payment_plan_cancel(
    request: HttpRequest, patient_id: int, episode_id: int, payment_plan_id: int
) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "PAYMENT_PLAN_CANCELLED")
    plan = _plan(request, episode, payment_plan_id, "PAYMENT_PLAN_CANCELLED")
    try:
        services.payment_plan_cancel(actor=actor_from_request(request), plan=plan)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Payment plan cancelled.")
    return redirect(chart_url(patient_id, episode.pk))


@require_POST
@requires(Capability.MANAGE_FEES)
def installment_paid(
    request: HttpRequest,
    patient_id: int,
    episode_id: int,
    payment_plan_id: int,
    installment_id: int,
) -> HttpResponse:
    episode = _episode(request, patient_id, episode_id, "INSTALLMENT_PAID")
    plan = _plan(request, episode, payment_plan_id, "INSTALLMENT_PAID")
    actor = actor_from_request(request)
    try:
        item = installment_of(plan, installment_id, actor=actor, action="INSTALLMENT_PAID")
    except NotFound as exc:
        raise Http404 from exc
    form = InstallmentPaidForm(request.POST, prefix=f"paid-{item.pk}")

    def write() -> str:
        paid_on = form.cleaned_data["paid_on"]
        services.installment_record_paid(actor=actor, installment=item, paid_on=paid_on)
        return f"Installment {item.number} recorded as paid."

    return submit(request, episode, form, write)


# --- Program fee settings --------------------------------------------------------------------


def _program(request: HttpRequest, program_id: int, action: str) -> Program:
    try:
        return program_for_fees(
            request.user, program_id, actor=actor_from_request(request), action=action
        )
    except NotFound as exc:
        raise Http404 from exc


def _charge_forms(program: Program, data: Any = None) -> dict[str, LevelChargeForm]:
    charges = program_charges(program)
    forms = {}
    for level in LevelOfCare.values:
        charge = charges.get(level)
        initial = (
            {
                "charge_per_day": charge.charge_per_day,
                "days_per_week": charge.days_per_week,
                "typical_weeks": charge.typical_weeks,
            }
            if charge
            else {}
        )
        forms[level] = LevelChargeForm(data, prefix=level, initial=initial)
    return forms


def _scale_forms(program: Program, today: dt.date, data: Any = None) -> tuple[FeeScaleForm, Any]:
    scale = current_scale(program, today)
    tiers = tiers_from_json(scale.tiers) if scale else default_tiers()
    year = current_guideline_year(today)
    form = FeeScaleForm(
        data,
        prefix="scale",
        years=guideline_years(),
        initial={"effective_from": today, "guideline_year": year},
    )
    return form, TierFormSet(data, prefix="tiers", initial=tiers_to_json(tiers))


def _settings_page(
    request: HttpRequest, program: Program, *, status: int = 200, **bound: Any
) -> HttpResponse:
    today = clock.localdate(program.zone)
    scale = current_scale(program, today)
    scale_form, tier_forms = bound.get("scale") or _scale_forms(program, today)
    context = {
        "program": program,
        "scale": scale,
        "scale_tiers": tiers_from_json(scale.tiers) if scale else (),
        "findings": fees.hrsa_findings(fees.SlidingScale(tiers_from_json(scale.tiers)))
        if scale
        else (),
        "charge_forms": bound.get("charges") or _charge_forms(program),
        "scale_form": scale_form,
        "tier_forms": tier_forms,
    }
    return render(request, "billing/fee_settings.html", context, status=status)


@requires(Capability.MANAGE_FEES)
def fees_home(request: HttpRequest) -> HttpResponse:
    """The programs whose fees the user manages; straight to the one when there is one."""
    programs = list(
        Program.objects.filter(pk__in=program_ids_with(request.user, Capability.MANAGE_FEES))
        .select_related("site")
        .order_by("name", "pk")
    )
    if len(programs) == 1:
        return redirect("billing:fee_settings", program_id=programs[0].pk)
    return render(request, "billing/fees_home.html", {"programs": programs})


@requires(Capability.MANAGE_FEES)
def fee_settings(request: HttpRequest, program_id: int) -> HttpResponse:
    return _settings_page(request, _program(request, program_id, "FEE_SETTINGS_VIEWED"))


@require_POST
@requires(Capability.MANAGE_FEES)
def charges_set(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id, "PROGRAM_CHARGES_SET")
    forms = _charge_forms(program, request.POST)
    if all(f.is_valid() for f in forms.values()):
        charges = [
            services.ChargeInput(
                level=level,
                charge_per_day=f.cleaned_data["charge_per_day"],
                days_per_week=f.cleaned_data["days_per_week"],
                weeks=f.cleaned_data["typical_weeks"],
            )
            for level, f in forms.items()
            if f.offered
        ]
        try:
            services.program_charges_set(
                actor=actor_from_request(request), program=program, charges=charges
            )
        except InvalidInput as error:
            _charge_problems(forms, error)
        else:
            messages.success(request, "Charges saved.")
            return redirect("billing:fee_settings", program_id=program.pk)
    return _settings_page(request, program, status=400, charges=forms)


def _charge_problems(forms: dict[str, LevelChargeForm], error: InvalidInput) -> None:
    for problem in error.problems:
        level, _, name = problem.field.partition("-")
        form = forms.get(level) or next(iter(forms.values()))
        name = "typical_weeks" if name == "weeks" else name
        form.add_error(name if name in form.fields else None, problem.message)


@require_POST
@requires(Capability.MANAGE_FEES)
def scale_set(request: HttpRequest, program_id: int) -> HttpResponse:
    program = _program(request, program_id, "FEE_SCALE_SET")
    today = clock.localdate(program.zone)
    form, tier_forms = _scale_forms(program, today, request.POST)
    if form.is_valid() and tier_forms.is_valid():
        used = [(i, f) for i, f in enumerate(tier_forms.forms) if not f.is_blank]
        tiers = [
            fees.Tier(
                up_to_percent=f.cleaned_data["up_to_percent"],
                discount_percent=f.cleaned_data["discount_percent"],
                flat_fee=f.cleaned_data["flat_fee"],
                label=f.cleaned_data["label"].strip(),
            )
            for _, f in used
        ]
        try:
            services.fee_scale_set(
                actor=actor_from_request(request),
                program=program,
                effective_from=form.cleaned_data["effective_from"],
                guideline_year=form.cleaned_data["guideline_year"],
                tiers=tiers,
            )
        except InvalidInput as error:
            _scale_problems(form, [f for _, f in used], error)
        else:
            messages.success(request, "Sliding fee scale saved.")
            return redirect("billing:fee_settings", program_id=program.pk)
    return _settings_page(request, program, status=400, scale=(form, tier_forms))


def _scale_problems(form: FeeScaleForm, tier_forms: list[Any], error: InvalidInput) -> None:
    """Put each problem on its tier row (``tiers[i].name`` counts only the filled rows)."""
    for problem in error.problems:
        head, _, name = problem.field.partition(".")
        if head.startswith("tiers[") and head.endswith("]") and tier_forms:
            index = int(head[6:-1])
            target = tier_forms[min(index, len(tier_forms) - 1)]
            target.add_error(name if name in target.fields else None, problem.message)
        elif problem.field in form.fields:
            form.add_error(problem.field, problem.message)
        else:
            form.add_error(None, problem.message)
