"""The action forms of the chart tab, one set per record, pre-filled from it. Only the forms
the user may use are built (MANAGE_INSURANCE, MANAGE_FEES in the episode's program); the
write endpoints check again. A bound form that failed replaces the fresh one under its
prefix, so its errors show in place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from django import forms

from openiop.billing.authorizations import AuthState
from openiop.billing.benefits import benefits_of
from openiop.billing.forms import (
    BENEFIT_DEFAULTS,
    AuthorizationApproveForm,
    AuthorizationDenyForm,
    AuthorizationRequestForm,
    BenefitsForm,
    CoverageEndForm,
    CoverageForm,
    FeeDeterminationForm,
    InstallmentPaidForm,
    PaymentPlanForm,
    VerificationForm,
)
from openiop.billing.models import CoverageOrder, PlanFrequency, SubscriberRelationship
from openiop.billing.selectors import EpisodeBilling

Bound = Mapping[str, forms.Form]
_DAY = dt.timedelta(days=1)


def _form[F: forms.Form](bound: Bound, key: str, make: type[F], **kwargs: Any) -> F:
    found = bound.get(key)
    return found if isinstance(found, make) else make(prefix=key, **kwargs)


def chart_cards(billing: EpisodeBilling, may: dict[str, bool], bound: Bound) -> dict[str, Any]:
    """The records with the action forms the user may use on each (hidden otherwise)."""
    return {
        "coverage_cards": [_coverage_card(billing, c, may, bound) for c in billing.coverages],
        "authorization_cards": [
            _authorization_card(row, may, bound) for row in billing.authorizations
        ],
        "plan_cards": [_plan_card(billing, p, may, bound) for p in billing.plans],
        "forms": _episode_forms(billing, may, bound),
    }


def _coverage_card(
    billing: EpisodeBilling, coverage: Any, may: dict[str, bool], bound: Bound
) -> dict[str, Any]:
    card: dict[str, Any] = {"coverage": coverage}
    if may["insurance"] and coverage.ended_at is None:
        values = asdict(benefits_of(coverage))
        pk = coverage.pk
        card["benefits"] = _form(bound, f"benefits-{pk}", BenefitsForm, initial=values)
        verify = values | {"coverage_active": True}
        card["verify"] = _form(bound, f"verify-{pk}", VerificationForm, initial=verify)
        card["end"] = _form(
            bound, f"end-{pk}", CoverageEndForm, initial={"effective_to": billing.today}
        )
    return card


def _authorization_card(row: Any, may: dict[str, bool], bound: Bound) -> dict[str, Any]:
    card: dict[str, Any] = {"row": row}
    auth = row.authorization
    if may["insurance"] and row.status.state == AuthState.PENDING:
        initial = {
            "approved_units": auth.requested_units,
            "approved_from": auth.requested_from,
            "approved_to": auth.requested_to,
        }
        approve = f"approve-{auth.pk}"
        card["approve"] = _form(bound, approve, AuthorizationApproveForm, initial=initial)
        card["deny"] = _form(bound, f"deny-{auth.pk}", AuthorizationDenyForm)
    return card


def _plan_card(
    billing: EpisodeBilling, plan: Any, may: dict[str, bool], bound: Bound
) -> dict[str, Any]:
    open_plan = may["fees"] and plan.cancelled_at is None
    rows = []
    for item in plan.installment_list:
        form = None
        if open_plan and item.paid_on is None:
            initial = {"paid_on": billing.today}
            form = _form(bound, f"paid-{item.pk}", InstallmentPaidForm, initial=initial)
        rows.append({"installment": item, "form": form})
    return {"plan": plan, "installments": rows, "can_cancel": open_plan}


def _episode_forms(billing: EpisodeBilling, may: dict[str, bool], bound: Bound) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if may["insurance"]:
        found["coverage"] = _form(bound, "coverage", CoverageForm, initial=_new_coverage(billing))
        current = billing.current_coverages
        if current:
            found["authorization"] = _form(
                bound,
                "authorization",
                AuthorizationRequestForm,
                coverages=current,
                initial=_new_request(billing),
            )
    if may["fees"]:
        last = billing.determination
        initial = {"household_size": last.household_size, "state": last.state} if last else {}
        found["determination"] = _form(
            bound, "determination", FeeDeterminationForm, initial=initial
        )
        plan = {"frequency": PlanFrequency.MONTHLY, "count": 3, "first_due": billing.today}
        found["plan"] = _form(bound, "plan", PaymentPlanForm, initial=plan)
    return found


def _new_coverage(billing: EpisodeBilling) -> dict[str, Any]:
    patient = billing.episode.patient
    order = CoverageOrder.SECONDARY if billing.primary else CoverageOrder.PRIMARY
    return BENEFIT_DEFAULTS | {
        "order": order,
        "subscriber_name": f"{patient.legal_given_name} {patient.legal_family_name}",
        "subscriber_relationship": SubscriberRelationship.SELF,
        "subscriber_date_of_birth": patient.date_of_birth,
        "effective_from": billing.today,
    }


def _new_request(billing: EpisodeBilling) -> dict[str, Any]:
    """A first request from today, or an extension from the day after the last approval."""
    primary = billing.primary or billing.current_coverages[0]
    ends = [r.authorization.approved_to for r in billing.authorizations]
    last = max((d for d in ends if d is not None), default=None)
    start = max(billing.today, last + _DAY) if last else billing.today
    return {"coverage": primary.pk, "level": billing.episode.level_of_care, "requested_from": start}
