"""Fetch-and-authorize for safety alerts: one NotFound for missing and not yours (R11)."""

from __future__ import annotations

from typing import Any

from openiop.accounts.access import program_ids_with
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.measures.models import SafetyAlert

_MAX_ID = 2**63 - 1


def alert_access(user: Any, patient_id: int, alert_id: int, *, actor: Actor) -> SafetyAlert:
    """The alert, if it belongs to that patient in a program where ``user`` may acknowledge
    alerts. A refusal is audited as a denied SAFETY_ALERT_ACKNOWLEDGED; the service audits
    the success."""
    alert = None
    if 0 < patient_id <= _MAX_ID and 0 < alert_id <= _MAX_ID:
        alert = (
            SafetyAlert.objects.select_related("episode__program")
            .filter(
                pk=alert_id,
                patient_id=patient_id,
                episode__program_id__in=program_ids_with(user, Capability.ACKNOWLEDGE_ALERTS),
            )
            .first()
        )
    if alert is None:
        audit_record(
            actor=actor,
            entry=Entry(
                action="SAFETY_ALERT_ACKNOWLEDGED",
                category=DataCategory.SAFETY,
                outcome=Outcome.DENIED,
                detail={"requested_patient_id": str(patient_id), "alert_id": str(alert_id)},
            ),
        )
        raise NotFound("No such alert.")
    return alert
