"""Refusals of the scheduling context, each with a stable code for pages and the API."""

from __future__ import annotations

from openiop.core.errors import DomainError


class DoubleBooked(DomainError):
    """A clinician, room or patient already has a session at that time."""

    code = "double_booked"


class SessionInvalid(DomainError):
    """A session's own fields disagree (a group without a cohort, a room at another site...)."""

    code = "session_invalid"


class PlanInputInvalid(DomainError):
    """The program's data cannot make a planning problem yet. ``problems`` lists each fix
    needed in plain words (a patient without availability, a track without cohorts...)."""

    code = "plan_input_invalid"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The week cannot be planned until these are fixed.")
        self.problems = problems


class PlanBusy(DomainError):
    """A plan for this program week is already queued or solving."""

    code = "plan_busy"


class NothingToReplan(DomainError):
    """A re-plan needs an approved plan of the current week with future sessions."""

    code = "nothing_to_replan"


class PlanSuperseded(DomainError):
    """Another plan of the same week was approved after this one was proposed."""

    code = "plan_superseded"
