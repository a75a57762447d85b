"""Refusals of the treatment-plan context, each with a stable machine-readable ``code``.

Input problems name the form field they belong to (``field``), so a view shows the message
next to it. State refusals (activating twice, reviewing a draft) are ``InvalidTransition``
subclasses, as in the other contexts.
"""

from __future__ import annotations

from openiop.core.errors import DomainError, InvalidTransition


class InvalidPlanInput(DomainError):
    """One value breaks a rule of the plan (a target date outside the stay, a missing
    measure, someone who is not staff of the program). Nothing was written."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.code = code


class PlanNotEditable(InvalidTransition):
    """The plan cannot change now: the episode is not admitted (discharged, or not yet
    admitted)."""

    code = "plan_not_editable"


class PlanExists(InvalidTransition):
    """The episode already has a draft or an active plan; changes are made to that one."""

    code = "plan_exists"


class PlanAlreadyActive(InvalidTransition):
    """Activating a draft while the episode has an active plan, or activating twice."""

    code = "plan_already_active"


class PlanIncomplete(InvalidTransition):
    """A draft cannot be activated until it holds a complete problem → goal → objective →
    intervention chain (``missing`` names what is missing)."""

    code = "plan_incomplete"

    def __init__(self, message: str, *, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


class PlanNotActive(InvalidTransition):
    """Reviews, objective outcomes and acknowledgements are for the active plan only."""

    code = "plan_not_active"


class RevisionChanged(InvalidTransition):
    """The patient acknowledged a revision that is no longer the current one (the plan was
    changed while they were reading it)."""

    code = "revision_changed"
