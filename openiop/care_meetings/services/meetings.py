"""The meeting itself: opening this week's (or recording an earlier week's), rebuilding
its agenda without losing what the team recorded, and closing it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from openiop.accounts.models import User
from openiop.audit.services import audit_record, audit_record_many
from openiop.care_meetings.agenda import (
    AgendaEntry,
    ReasonCode,
    build_agenda,
    severity_key,
    week_start_of,
)
from openiop.care_meetings.errors import WeekInvalid
from openiop.care_meetings.models import AgendaItem, CareMeeting
from openiop.care_meetings.services.common import (
    item_entry,
    meeting_entry,
    reason_codes,
    require_open,
)
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.programs.models import Program


def _new_items(
    meeting: CareMeeting, entries: list[AgendaEntry], *, first_position: int
) -> list[AgendaItem]:
    items = [
        AgendaItem(meeting=meeting, episode=e.episode, position=n, reasons=e.reasons)
        for n, e in enumerate(entries, start=first_position)
    ]
    for item in items:
        # The builder's episodes and this meeting exist and are new to each other: skip
        # the per-row foreign-key and uniqueness lookups (the database enforces both).
        item.full_clean(exclude=["meeting", "episode", "added_by"], validate_constraints=False)
    return AgendaItem.objects.bulk_create(items)


def _week(program: Program, week_start: dt.date | None) -> dt.date:
    this_week = week_start_of(clock.localdate(program.zone))
    if week_start is None:
        return this_week
    if week_start.weekday() != 0 or week_start > this_week:
        raise WeekInvalid(
            f"A meeting's week starts on a Monday no later than this week's ({this_week})."
        )
    return week_start


@transaction.atomic
def care_meeting_open(
    *, actor: Actor, program: Program, by: User, week_start: dt.date | None = None
) -> CareMeeting:
    """This week's meeting of ``program`` (the Monday of the program's local today), or the
    meeting of an earlier ``week_start`` (a Monday) being recorded late.

    Idempotent: when the meeting exists it is returned unchanged and nothing is written (a
    double click or two people opening it at once get the same meeting). Otherwise creates
    it, builds the agenda from the data as they are now (``agenda.build_agenda``: one item
    per patient with a reason, in severity order) and audits CARE_MEETING_OPENED plus
    CARE_MEETING_ITEM_ADDED per patient. Raises WeekInvalid for a week that is not a Monday
    or lies in the future.
    """
    week_start = _week(program, week_start)
    existing = CareMeeting.objects.filter(program=program, week_start=week_start).first()
    if existing is not None:
        return existing
    now = clock.now()
    meeting = CareMeeting(
        program=program, week_start=week_start, created_by=by, created_at=now, agenda_built_at=now
    )
    meeting.full_clean(validate_constraints=False)  # the unique week is the database's
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:  # opened by someone else since the check above
        return CareMeeting.objects.get(program=program, week_start=week_start)
    agenda = build_agenda(program, week_start=week_start)
    items = _new_items(meeting, agenda.entries, first_position=1)
    audit_record_many(
        actor=actor,
        entries=[
            meeting_entry(
                "CARE_MEETING_OPENED", meeting, items=len(items), considered=agenda.considered
            ),
            *(
                item_entry("CARE_MEETING_ITEM_ADDED", i, program=program, reasons=reason_codes(i))
                for i in items
            ),
        ],
    )
    return meeting


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """What a rebuild changed, by patient count."""

    added: int
    refreshed: int
    removed: int
    kept: int


def _has_record(item: Any) -> bool:
    return bool(item.discussion or item.added_by_id or item.n_decisions or item.n_tasks)


def _refresh(
    items: list[Any], fresh: dict[int, AgendaEntry]
) -> tuple[list[AgendaItem], list[AgendaItem]]:
    """Give each undiscussed item its new reasons (keeping reasons given by hand); returns
    (refreshed, removable). An item without reasons left and nothing recorded on it is
    removable; one with something recorded keeps its reasons."""
    refreshed, removable = [], []
    for item in items:
        if item.discussed_at is not None:
            continue  # discussed: it stays as the team saw it
        entry = fresh.get(item.episode_id)
        by_hand = [r for r in item.reasons if r["code"] == ReasonCode.ADDED_BY_HAND]
        reasons = (entry.reasons if entry else []) + by_hand
        if not reasons:
            if not _has_record(item):
                removable.append(item)
        elif reasons != item.reasons:
            item.reasons = reasons
            refreshed.append(item)
    return refreshed, removable


@transaction.atomic
def care_meeting_rebuild(*, actor: Actor, meeting: CareMeeting) -> Rebuilt:
    """Rebuild the agenda from today's data without losing anything the team recorded:
    patients newly flagged are added; undiscussed items get fresh reasons (reasons given by
    hand stay); an undiscussed item the builder no longer flags, with no discussion,
    decision or task and not added by hand, is removed; discussed items are left as they
    were. Items are then re-ordered by severity. Raises MeetingClosed. Audits
    CARE_MEETING_REBUILT and CARE_MEETING_ITEM_ADDED / _REFRESHED / _REMOVED per patient."""
    meeting = require_open(meeting.pk)
    program = meeting.program
    agenda = build_agenda(program, week_start=meeting.week_start)
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("episode")
        .annotate(
            n_decisions=Count("decisions", distinct=True), n_tasks=Count("tasks", distinct=True)
        )
        .order_by("position", "pk")
    )
    fresh = {e.episode.pk: e for e in agenda.entries}
    refreshed, removable = _refresh(items, fresh)
    on_agenda = {item.episode_id for item in items}
    top = max((item.position for item in items), default=0)
    added = _new_items(
        meeting,
        [e for e in agenda.entries if e.episode.pk not in on_agenda],
        first_position=top + 1,
    )
    gone = {item.pk for item in removable}
    AgendaItem.objects.filter(pk__in=gone).delete()
    kept = [item for item in items if item.pk not in gone] + added
    kept.sort(key=lambda item: (severity_key(item.reasons), item.position))
    for position, item in enumerate(kept, start=1):
        item.position = position
    AgendaItem.objects.bulk_update(kept, ["reasons", "position"])
    meeting.agenda_built_at = clock.now()
    meeting.save(update_fields=["agenda_built_at"])
    result = Rebuilt(len(added), len(refreshed), len(removable), len(kept))
    entries = [meeting_entry("CARE_MEETING_REBUILT", meeting, **_counts(result))]
    for action, group in (
        ("CARE_MEETING_ITEM_ADDED", added),
        ("CARE_MEETING_ITEM_REFRESHED", refreshed),
        ("CARE_MEETING_ITEM_REMOVED", removable),
    ):
        entries.extend(
            item_entry(action, i, program=program, reasons=reason_codes(i)) for i in group
        )
    audit_record_many(actor=actor, entries=entries)
    return result


def _counts(result: Rebuilt) -> dict[str, int]:
    return {
        "added": result.added,
        "refreshed": result.refreshed,
        "removed": result.removed,
        "items": result.kept,
    }


@transaction.atomic
def care_meeting_close(*, actor: Actor, meeting: CareMeeting, by: User) -> CareMeeting:
    """Close the meeting: from now on it is read-only. Raises MeetingClosed when it already
    is. Audits CARE_MEETING_CLOSED with how many items were discussed."""
    locked = require_open(meeting.pk)
    meeting.closed_at = clock.now()
    meeting.closed_by = by
    meeting.save(update_fields=["closed_at", "closed_by"])
    counts = AgendaItem.objects.filter(meeting=meeting).aggregate(
        items=Count("pk"), discussed=Count("pk", filter=Q(discussed_at__isnull=False))
    )
    audit_record(actor=actor, entry=meeting_entry("CARE_MEETING_CLOSED", locked, **counts))
    return meeting
