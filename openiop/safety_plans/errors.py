"""Refusals of the safety-plan context, each with a stable machine-readable ``code``.

Section problems are collected and raised together as one ``InvalidSafetyPlan`` so the form
shows every correction at once, next to the entry it is about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openiop.core.errors import DomainError, InvalidTransition


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong: ``section`` is a section key (or ``change_note``); ``index`` the
    entry's position in it (None for the section as a whole); ``part`` the contact field
    (``name``, ``phone``, ``availability``) or ""."""

    code: str
    section: str
    message: str
    index: int | None = None
    part: str = ""


class InvalidSafetyPlan(DomainError):
    """The sections break one or more rules; nothing was written. ``code`` is the first
    problem's code, ``problems`` lists them all."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("InvalidSafetyPlan needs at least one problem")
        first = problems[0]
        super().__init__(first.message, field=first.section)
        self.code = first.code
        self.problems = tuple(problems)


class SafetyPlanClosed(InvalidTransition):
    """The episode is discharged: a new version is written in a current episode."""

    code = "safety_plan_closed"
