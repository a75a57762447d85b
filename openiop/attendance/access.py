"""Fetch-and-authorize for attendance pages (Zulip's access_stream_by_id pattern).

A session, program, review or kiosk is reached only through a program in which the user
holds the needed capability; a child id (an episode of a session, a record, a policy, a
kiosk) must belong to that parent. "Missing" and "not yours" raise the same NotFound, and
every refusal is audited as a denied attempt that names no patient (security.md R11, R17).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet

from openiop.accounts.access import program_ids_with
from openiop.attendance.models import Attendance, AttendancePolicy, AttendanceReview, KioskDevice
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import Program
from openiop.scheduling.models import ScheduledSession

_MAX_ID = 2**63 - 1


def _fetch[M: Model](
    queryset: QuerySet[M], pk: int, *, actor: Actor, action: str, category: DataCategory
) -> M:
    """The row ``pk`` of ``queryset``, or NotFound after auditing a denied ``action``."""
    found = queryset.filter(pk=pk).first() if 0 < pk <= _MAX_ID else None
    if found is None:
        name = queryset.model._meta.model_name or "record"
        audit_record(
            actor=actor,
            entry=Entry(
                action=action,
                category=category,
                outcome=Outcome.DENIED,
                detail={f"requested_{name}_id": str(pk)},
            ),
        )
        raise NotFound("No such record.")
    return found


def session_access(
    user: Any,
    session_id: int,
    *,
    actor: Actor,
    action: str = "ATTENDANCE_ROSTER_VIEWED",
    capability: Capability = Capability.RECORD_ATTENDANCE,
) -> ScheduledSession:
    """The session (with program, cohort, room and clinician) if ``user`` holds
    ``capability`` in its program. Raises NotFound (audited as a denied ``action``)."""
    sessions = ScheduledSession.objects.select_related(
        "program", "cohort", "room", "clinician"
    ).filter(program_id__in=program_ids_with(user, capability))
    return _fetch(
        sessions, session_id, actor=actor, action=action, category=DataCategory.ATTENDANCE
    )


def participant_of(
    session: ScheduledSession, episode_id: int, *, actor: Actor, action: str
) -> EpisodeOfCare:
    """An expected participant's episode (with patient) of an authorized session; NotFound
    otherwise."""
    episodes = EpisodeOfCare.objects.select_related("patient", "program").filter(
        session_participations__session=session
    )
    return _fetch(
        episodes, episode_id, actor=actor, action=action, category=DataCategory.ATTENDANCE
    )


def attendance_of(
    session: ScheduledSession, attendance_id: int, *, actor: Actor, action: str
) -> Attendance:
    """A record of an authorized session; NotFound otherwise."""
    records = Attendance.objects.select_related("episode__patient").filter(session=session)
    return _fetch(
        records, attendance_id, actor=actor, action=action, category=DataCategory.ATTENDANCE
    )


def program_access(
    user: Any, program_id: int, *, actor: Actor, capability: Capability, action: str
) -> Program:
    """The program if ``user`` holds ``capability`` in it; NotFound (audited) otherwise."""
    programs = Program.objects.filter(pk__in=program_ids_with(user, capability))
    return _fetch(programs, program_id, actor=actor, action=action, category=DataCategory.NONE)


def kiosk_of(program: Program, kiosk_id: int, *, actor: Actor, action: str) -> KioskDevice:
    """A kiosk of an authorized program; NotFound otherwise."""
    kiosks = KioskDevice.objects.select_related("program").filter(program=program)
    return _fetch(kiosks, kiosk_id, actor=actor, action=action, category=DataCategory.NONE)


def policy_of(program: Program, policy_id: int, *, actor: Actor, action: str) -> AttendancePolicy:
    """A policy of an authorized program; NotFound otherwise."""
    policies = AttendancePolicy.objects.select_related("program").filter(program=program)
    return _fetch(policies, policy_id, actor=actor, action=action, category=DataCategory.NONE)


def review_access(user: Any, review_id: int, *, actor: Actor, action: str) -> AttendanceReview:
    """An attendance review whose episode's program grants ``user`` RECORD_ATTENDANCE;
    NotFound (audited as a denied ``action``) otherwise."""
    reviews = AttendanceReview.objects.select_related("episode__program", "policy").filter(
        episode__program_id__in=program_ids_with(user, Capability.RECORD_ATTENDANCE)
    )
    return _fetch(reviews, review_id, actor=actor, action=action, category=DataCategory.ATTENDANCE)
