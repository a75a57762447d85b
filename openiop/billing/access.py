"""Fetch-and-authorize for billing records (Zulip's access_stream_by_id pattern).

Writes first authorize the episode with ``episode_for_action`` (MANAGE_INSURANCE or
MANAGE_FEES in its program); the functions here then fetch a child record *of that episode*
(or of its patient, for coverages), so an id under the wrong parent is the same NotFound as a
missing one. Every refusal is audited as a denied attempt that names no patient
(security.md R11, R17).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from openiop.accounts.access import program_ids_with
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.billing.models import Authorization, Coverage, Installment, PaymentPlan
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.patients.access import episode_access
from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import Program

_MAX_ID = 2**63 - 1


def _denied(actor: Actor, action: str, category: DataCategory, **detail: str) -> NotFound:
    audit_record(
        actor=actor,
        entry=Entry(action=action, category=category, outcome=Outcome.DENIED, detail=detail),
    )
    return NotFound("No such record.")


def _child[M: Model](
    queryset: QuerySet[M], pk: int, *, actor: Actor, action: str, category: DataCategory
) -> M:
    found = queryset.filter(pk=pk).first() if 0 < pk <= _MAX_ID else None
    if found is None:
        name = queryset.model._meta.model_name or "record"
        raise _denied(actor, action, category, **{f"requested_{name}_id": str(pk)})
    return found


def coverage_of(episode: EpisodeOfCare, coverage_id: int, *, actor: Actor, action: str) -> Coverage:
    """A coverage of the (authorized) episode's patient; NotFound otherwise."""
    coverages = Coverage.objects.filter(patient_id=episode.patient_id)
    return _child(
        coverages, coverage_id, actor=actor, action=action, category=DataCategory.INSURANCE
    )


def authorization_of(
    episode: EpisodeOfCare, authorization_id: int, *, actor: Actor, action: str
) -> Authorization:
    """An authorization of the (authorized) episode; NotFound otherwise."""
    authorizations = Authorization.objects.filter(episode=episode).select_related("coverage")
    return _child(
        authorizations,
        authorization_id,
        actor=actor,
        action=action,
        category=DataCategory.INSURANCE,
    )


def payment_plan_of(
    episode: EpisodeOfCare, plan_id: int, *, actor: Actor, action: str
) -> PaymentPlan:
    """A payment plan of the (authorized) episode; NotFound otherwise."""
    plans = PaymentPlan.objects.filter(episode=episode)
    return _child(plans, plan_id, actor=actor, action=action, category=DataCategory.FINANCIAL)


def installment_of(
    plan: PaymentPlan, installment_id: int, *, actor: Actor, action: str
) -> Installment:
    """An installment of ``plan``; NotFound otherwise."""
    installments = Installment.objects.filter(plan=plan)
    return _child(
        installments, installment_id, actor=actor, action=action, category=DataCategory.FINANCIAL
    )


def episode_read(
    user: Any, patient_id: int, episode_id: int, *, actor: Actor, action: str
) -> EpisodeOfCare:
    """The episode if ``user`` may view patients in its program, auditing ``action``
    (category INSURANCE) on success; on refusal ``episode_access`` audits the denial and
    raises NotFound."""
    episode = episode_access(
        user,
        patient_id,
        episode_id,
        actor=actor,
        capability=Capability.VIEW_PATIENTS,
        action=action,
    )
    audit_record(
        actor=actor,
        entry=Entry(
            action=action,
            category=DataCategory.INSURANCE,
            patient_id=episode.patient_id,
            part2=episode.program.is_part2,
            object_type="episode",
            object_id=str(episode.pk),
        ),
    )
    return episode


def program_for_fees(user: Any, program_id: int, *, actor: Actor, action: str) -> Program:
    """A program whose fee settings ``user`` may manage (MANAGE_FEES there); NotFound
    otherwise, audited as a denied ``action``."""
    programs = Program.objects.filter(pk__in=program_ids_with(user, Capability.MANAGE_FEES))
    return _child(programs, program_id, actor=actor, action=action, category=DataCategory.NONE)


def can_manage(user: Any, episode: EpisodeOfCare) -> dict[str, bool]:
    """Which billing actions ``user`` may take on ``episode`` (for showing forms; the POST
    endpoints check again)."""
    return {
        "insurance": episode.program_id in program_ids_with(user, Capability.MANAGE_INSURANCE),
        "fees": episode.program_id in program_ids_with(user, Capability.MANAGE_FEES),
    }
