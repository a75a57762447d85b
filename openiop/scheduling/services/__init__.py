"""Writes of the scheduling context, by concept: hand-made sessions, planning inputs, the
plan lifecycle and approval. Import from here."""

from openiop.scheduling.services.approval import plan_approve
from openiop.scheduling.services.inputs import (
    hour_band_set,
    patient_availability_set,
    scheduling_needs_set,
    staff_availability_set,
)
from openiop.scheduling.services.plans import (
    PLANNER,
    plan_discard,
    plan_fail,
    plan_finish,
    plan_record_progress,
    plan_request,
    plan_start,
)
from openiop.scheduling.services.sessions import session_cancel, session_create

__all__ = [
    "PLANNER",
    "hour_band_set",
    "patient_availability_set",
    "plan_approve",
    "plan_discard",
    "plan_fail",
    "plan_finish",
    "plan_record_progress",
    "plan_request",
    "plan_start",
    "scheduling_needs_set",
    "session_cancel",
    "session_create",
    "staff_availability_set",
]
