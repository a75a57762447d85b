"""Fetch-and-authorize for schedule pages: one NotFound for "missing" and "not yours" (R11).

A program's schedule is reached only through a program where the user holds the page's
capability; a plan only under its own program. Refusals are audited (without a patient).
"""

from __future__ import annotations

from typing import Any

from openiop.accounts.access import program_ids_with
from openiop.accounts.models import User
from openiop.audit.models import DataCategory, Outcome
from openiop.audit.services import Entry, audit_record
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.programs.models import Program
from openiop.scheduling.models import ScheduledSession, SchedulePlan

_MAX_ID = 2**63 - 1


def _denied(actor: Actor, action: str, **detail: str) -> NotFound:
    audit_record(
        actor=actor,
        entry=Entry(
            action=action, category=DataCategory.NONE, outcome=Outcome.DENIED, detail=detail
        ),
    )
    return NotFound("No such schedule.")


def program_access(
    user: Any, program_id: int, *, actor: Actor, capability: Capability, action: str
) -> Program:
    """The program, if ``user`` holds ``capability`` in it. Raises NotFound otherwise, after
    auditing a denied ``action``."""
    if 0 < program_id <= _MAX_ID and program_id in program_ids_with(user, capability):
        program = Program.objects.select_related("site").filter(pk=program_id).first()
        if program is not None:
            return program
    raise _denied(actor, action, requested_program_id=str(program_id))


def plan_access(
    user: Any, program_id: int, plan_id: int, *, actor: Actor, action: str
) -> SchedulePlan:
    """A plan of that program, for a user who may plan its schedule. A plan id under another
    program is a NotFound. Refusals are audited as a denied ``action``."""
    program = program_access(
        user, program_id, actor=actor, capability=Capability.PLAN_SCHEDULE, action=action
    )
    plan = None
    if 0 < plan_id <= _MAX_ID:
        plan = (
            SchedulePlan.objects.select_related("program__site", "created_by", "approved_by")
            .filter(pk=plan_id, program=program)
            .first()
        )
    if plan is None:
        raise _denied(actor, action, requested_plan_id=str(plan_id))
    return plan


def staff_member_access(
    user: Any, program_id: int, member_id: int, *, actor: Actor, action: str
) -> tuple[Program, User]:
    """A program the user may plan and one of its active staff members."""
    program = program_access(
        user, program_id, actor=actor, capability=Capability.PLAN_SCHEDULE, action=action
    )
    member = None
    if 0 < member_id <= _MAX_ID:
        member = User.objects.filter(
            pk=member_id, memberships__program=program, memberships__is_active=True
        ).first()
    if member is None:
        raise _denied(actor, action, requested_user_id=str(member_id))
    return program, member


def session_access(
    user: Any, program_id: int, session_id: int, *, actor: Actor, action: str
) -> ScheduledSession:
    """A session of that program, for a user who may plan its schedule."""
    program = program_access(
        user, program_id, actor=actor, capability=Capability.PLAN_SCHEDULE, action=action
    )
    session = None
    if 0 < session_id <= _MAX_ID:
        session = ScheduledSession.objects.filter(pk=session_id, program=program).first()
    if session is None:
        raise _denied(actor, action, requested_session_id=str(session_id))
    return session
