"""The intake readiness checklist: what must be in place for someone to start and keep
attending an intensive outpatient program, each item with why it matters.

These are OpenIOP program conventions, not a published instrument. The reasons lean on
facts in /work/shared/reference/clinical.md: an IOP asks for 9–19 hours a week for adults
and 6–19 for adolescents (§1.1), so attendance logistics decide whether the level is
feasible; a positive suicide screen calls for a safety plan (§2.2, §4); readiness to change
is ASAM dimension 4 (§1.3). An unticked item is a task for the team, never a reason the
assessment cannot be completed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True, slots=True)
class ReadinessItem:
    code: str
    label: str
    why: str


ITEMS: tuple[ReadinessItem, ...] = (
    ReadinessItem(
        "schedule",
        "Can attend the track's days and hours (work, school and care arranged)",
        "IOP is 9–19 hours a week for adults, 6–19 for adolescents (clinical.md §1.1); "
        "missed hours are the first reason a placement fails.",
    ),
    ReadinessItem(
        "transport",
        "Has reliable transport to every session",
        "Groups meet several days a week; a ride that works once is not enough.",
    ),
    ReadinessItem(
        "childcare",
        "Childcare or other caregiving is covered during sessions, or not needed",
        "Caregiving duties are a common hidden barrier to attending evening groups.",
    ),
    ReadinessItem(
        "phone",
        "Has a working phone number the program may call or text",
        "Reminders, missed-session outreach and crisis follow-up all depend on it.",
    ),
    ReadinessItem(
        "crisis_plan",
        "Knows how to get crisis help between sessions (988, 911), with a safety plan "
        "started if the safety screen was positive",
        "A positive suicide-risk screen calls for a safety plan (clinical.md §2.2, §4).",
    ),
    ReadinessItem(
        "agrees_to_plan",
        "Agrees to take part in group and individual treatment",
        "Readiness to change is ASAM dimension 4 (clinical.md §1.3); low readiness is "
        "worked on in treatment, but the patient must agree to attend.",
    ),
    ReadinessItem(
        "medications",
        "Current medications and prescribers are listed",
        "The program's prescriber needs them for the first psychiatry visit and for safety.",
    ),
    ReadinessItem(
        "contacts",
        "Family or other contacts, and who may be told what, are discussed",
        "Releases of information are signed at admission; sharing without one is not allowed.",
    ),
)

CODES: frozenset[str] = frozenset(item.code for item in ITEMS)


def readiness_checked(data: Mapping[str, object]) -> dict[str, bool]:
    """The checklist as stored (every item code → true/false). Raises ValidationError for
    an unknown code or a value that is not true or false."""
    unknown = sorted(set(data) - CODES)
    if unknown:
        raise ValidationError({"readiness": f"Unknown readiness items: {', '.join(unknown)}."})
    if any(not isinstance(value, bool) for value in data.values()):
        raise ValidationError({"readiness": "Each readiness item is ticked or not."})
    return {item.code: bool(data.get(item.code, False)) for item in ITEMS}


def open_items(data: Mapping[str, object]) -> list[ReadinessItem]:
    """The items not yet ticked, in checklist order."""
    return [item for item in ITEMS if data.get(item.code) is not True]
