"""Fetch-and-authorize for safety plans (Zulip's access_stream_by_id pattern).

Reading a version needs the patient to be visible (``patient_access``); writing needs
MANAGE_SAFETY_PLAN in the episode's program (``episode_access``). A version is fetched only
under its own patient, so a version number under the wrong patient is the same NotFound as a
missing one. Every refusal is audited as a denied attempt that names no patient.
"""

from __future__ import annotations

from typing import Any

from openiop.accounts.access import program_ids_with
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.patients.access import episode_access
from openiop.patients.models import OPEN_STATES, EpisodeOfCare, Patient
from openiop.safety_plans.models import SafetyPlan

_MAX_VERSION = 2**31 - 1


def safety_plan_episode_access(
    user: Any, patient_id: int, episode_id: int, *, actor: Actor, action: str
) -> EpisodeOfCare:
    """The episode if ``user`` manages safety plans in its program and it is that
    patient's; NotFound (audited as a denied ``action``) otherwise."""
    return episode_access(
        user,
        patient_id,
        episode_id,
        actor=actor,
        capability=Capability.MANAGE_SAFETY_PLAN,
        action=action,
    )


def version_of(
    user: Any, patient: Patient, version: int, *, actor: Actor, action: str
) -> SafetyPlan:
    """Version ``version`` of the (authorized) patient's plan, if it was written in a
    program where ``user`` sees patients; NotFound otherwise, audited as a denied
    ``action``."""
    readable = program_ids_with(user, Capability.VIEW_PATIENTS)
    found = (
        SafetyPlan.objects.filter(
            patient=patient, version=version, episode__program_id__in=readable
        )
        .select_related("created_by", "episode__program")
        .first()
        if 0 < version <= _MAX_VERSION
        else None
    )
    if found is None:
        audit_record(
            actor=actor,
            entry=Entry(
                action=action,
                category=DataCategory.SAFETY_PLAN,
                outcome=Outcome.DENIED,
                detail={"requested_version": str(version)},
            ),
        )
        raise NotFound("No such version.")
    return found


def editable_episode(user: Any, episodes: list[EpisodeOfCare]) -> EpisodeOfCare | None:
    """The patient's open episode (of ``episodes``, newest first) in a program where
    ``user`` manages safety plans: the one a new version is written in. None when there is
    none (the edit page is then a 404)."""
    programs = program_ids_with(user, Capability.MANAGE_SAFETY_PLAN)
    return next((e for e in episodes if e.state in OPEN_STATES and e.program_id in programs), None)
