"""Payment plans: a balance split by ``engines.fees.installments`` into dated installments
that add up to it exactly; cancelling a plan; recording an installment as paid. Category
FINANCIAL; amounts stay out of the audit detail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

import engines.fees as fees
from openiop.accounts.models import User
from openiop.audit.models import DataCategory
from openiop.audit.services import audit_record
from openiop.billing.errors import (
    InstallmentPaid,
    InvalidInput,
    PaymentPlanCancelled,
    Problem,
    refuse_if,
)
from openiop.billing.models import Installment, PaymentPlan, PlanFrequency
from openiop.billing.services.audit import clean, episode_entry
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients.models import EpisodeOfCare

_FIELDS = {"total": "total", "count": "count", "first_due": "first_due", "every": "frequency"}


@dataclass(frozen=True, slots=True)
class PlanTerms:
    total: Decimal
    count: int
    frequency: str
    first_due: dt.date


def _split(terms: PlanTerms) -> list[fees.Installment]:
    if terms.frequency not in PlanFrequency.values:
        refuse_if([Problem("invalid_choice", "frequency", "Choose how often the patient pays.")])
    try:
        return fees.installments(
            total=terms.total,
            count=terms.count,
            first_due=terms.first_due,
            every=fees.Interval(terms.frequency),
        )
    except fees.FeeInputError as error:
        problem = Problem(error.code, _FIELDS.get(error.field, ""), error.message)
        raise InvalidInput([problem]) from error


@transaction.atomic
def payment_plan_create(
    *, actor: Actor, episode: EpisodeOfCare, created_by: User, terms: PlanTerms
) -> PaymentPlan:
    """Create a plan with its installments. Raises InvalidInput with the engine's codes
    (``total_not_positive``, ``count_out_of_range``, ``total_too_small_for_count``, money
    codes) or ``invalid_choice`` for the frequency. Audits PAYMENT_PLAN_CREATED."""
    parts = _split(terms)
    plan = PaymentPlan(
        episode=episode,
        total=terms.total,
        frequency=terms.frequency,
        created_by=created_by,
        created_at=clock.now(),
    )
    clean(plan)
    plan.save()
    Installment.objects.bulk_create(
        Installment(plan=plan, number=p.number, due_on=p.due_on, amount=p.amount) for p in parts
    )
    entry = episode_entry(
        "PAYMENT_PLAN_CREATED",
        episode,
        plan,
        category=DataCategory.FINANCIAL,
        installments=len(parts),
        frequency=terms.frequency,
    )
    audit_record(actor=actor, entry=entry)
    return plan


@transaction.atomic
def payment_plan_cancel(*, actor: Actor, plan: PaymentPlan) -> PaymentPlan:
    """Cancel a plan; its installments and payments stay on record. Raises
    PaymentPlanCancelled when already cancelled. Audits PAYMENT_PLAN_CANCELLED."""
    plan = (
        PaymentPlan.objects.select_for_update().select_related("episode__program").get(pk=plan.pk)
    )
    if plan.cancelled_at is not None:
        raise PaymentPlanCancelled("That payment plan is already cancelled.")
    plan.cancelled_at = clock.now()
    plan.save(update_fields=["cancelled_at"])
    entry = episode_entry(
        "PAYMENT_PLAN_CANCELLED", plan.episode, plan, category=DataCategory.FINANCIAL
    )
    audit_record(actor=actor, entry=entry)
    return plan


@transaction.atomic
def installment_record_paid(
    *, actor: Actor, installment: Installment, paid_on: dt.date
) -> Installment:
    """Mark an installment paid on ``paid_on`` (a local date, not in the future). Raises
    InstallmentPaid when already paid, PaymentPlanCancelled when its plan is cancelled and
    InvalidInput ``paid_on_future``. Audits INSTALLMENT_PAID."""
    installment = (
        Installment.objects.select_for_update()
        .select_related("plan__episode__program")
        .get(pk=installment.pk)
    )
    episode = installment.plan.episode
    if installment.plan.cancelled_at is not None:
        raise PaymentPlanCancelled("That payment plan is cancelled.")
    if installment.paid_on is not None:
        raise InstallmentPaid(f"Installment {installment.number} is already recorded as paid.")
    if paid_on > clock.localdate(episode.program.zone):
        refuse_if(
            [Problem("paid_on_future", "paid_on", "The payment date cannot be in the future.")]
        )
    installment.paid_on = paid_on
    installment.save(update_fields=["paid_on"])
    entry = episode_entry(
        "INSTALLMENT_PAID",
        episode,
        installment,
        category=DataCategory.FINANCIAL,
        plan_id=str(installment.plan_id),
        number=installment.number,
    )
    audit_record(actor=actor, entry=entry)
    return installment
