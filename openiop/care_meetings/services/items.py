"""Work on the agenda's items: a patient added by hand, the discussion, the "discussed"
mark, decisions and tasks."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from openiop.accounts.models import User
from openiop.audit.services import audit_record
from openiop.care_meetings.agenda import REASON_LABELS, ReasonCode
from openiop.care_meetings.errors import (
    AlreadyOnAgenda,
    DiscussionConflict,
    DueDateInPast,
    NotAdmittedHere,
    TaskAlreadyDone,
    TaskOwnerInvalid,
)
from openiop.care_meetings.models import AgendaItem, CareMeeting, MeetingDecision, MeetingTask
from openiop.care_meetings.selectors import task_owners
from openiop.care_meetings.services.common import (
    DECISION_MAX,
    DISCUSSION_MAX,
    REASON_MAX,
    TASK_MAX,
    item_entry,
    reason_codes,
    require_open,
    text_checked,
)
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients.models import EpisodeOfCare, EpisodeState


@transaction.atomic
def agenda_item_add(
    *, actor: Actor, meeting: CareMeeting, episode: EpisodeOfCare, by: User, reason: str
) -> AgendaItem:
    """Put a patient on the agenda by hand, with the reason given, at the end. The episode
    must be admitted to the meeting's program and not yet on the agenda. Raises
    MeetingClosed, NotAdmittedHere, AlreadyOnAgenda, TextRequired or TextTooLong. Audits
    CARE_MEETING_ITEM_ADDED (by hand)."""
    meeting = require_open(meeting.pk)
    text = text_checked(reason, limit=REASON_MAX, what="reason")
    if episode.program_id != meeting.program_id or episode.state != EpisodeState.ADMITTED:
        raise NotAdmittedHere(
            "Only patients admitted to this program can be put on its agenda.", field="episode"
        )
    if AgendaItem.objects.filter(meeting=meeting, episode=episode).exists():
        raise AlreadyOnAgenda(
            "This patient is already on the agenda: add to the discussion of their item.",
            field="episode",
        )
    top = AgendaItem.objects.filter(meeting=meeting).aggregate(top=Max("position"))["top"]
    item = AgendaItem(
        meeting=meeting,
        episode=episode,
        position=(top or 0) + 1,
        added_by=by,
        reasons=[
            {
                "code": ReasonCode.ADDED_BY_HAND.value,
                "label": REASON_LABELS[ReasonCode.ADDED_BY_HAND],
                "detail": text,
                "by": by.display_name,
            }
        ],
    )
    item.full_clean(exclude=["meeting", "episode", "added_by"], validate_constraints=False)
    item.save()
    audit_record(
        actor=actor,
        entry=item_entry(
            "CARE_MEETING_ITEM_ADDED", item, program=meeting.program, reasons=reason_codes(item)
        ),
    )
    return item


@transaction.atomic
def agenda_item_discussion_save(
    *, actor: Actor, item: AgendaItem, text: str, original: str | None = None
) -> AgendaItem:
    """Save the item's discussion notes. ``original`` is the text the editor started from:
    when someone else saved in between, nothing is saved and DiscussionConflict carries the
    stored text so both versions can be shown. Raises MeetingClosed, TextTooLong. Audits
    CARE_MEETING_DISCUSSION_SAVED."""
    meeting = require_open(item.meeting_id)
    discussion = text_checked(text, limit=DISCUSSION_MAX, what="discussion", required=False)
    current = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if original is not None and current.discussion != original.strip():
        raise DiscussionConflict(
            "Someone else saved this discussion while you were writing. Nothing was saved: "
            "compare the two versions below, then save again.",
            current=current.discussion,
        )
    item.discussion = discussion
    item.save(update_fields=["discussion"])
    audit_record(
        actor=actor,
        entry=item_entry(
            "CARE_MEETING_DISCUSSION_SAVED", item, program=meeting.program, length=len(discussion)
        ),
    )
    return item


@transaction.atomic
def agenda_item_mark_discussed(*, actor: Actor, item: AgendaItem) -> AgendaItem:
    """Mark the item discussed (now). Marking it again changes nothing. Raises
    MeetingClosed. Audits CARE_MEETING_ITEM_DISCUSSED."""
    meeting = require_open(item.meeting_id)
    if item.discussed_at is not None:
        return item
    item.discussed_at = clock.now()
    item.save(update_fields=["discussed_at"])
    audit_record(
        actor=actor,
        entry=item_entry("CARE_MEETING_ITEM_DISCUSSED", item, program=meeting.program),
    )
    return item


@transaction.atomic
def meeting_decision_record(
    *, actor: Actor, item: AgendaItem, by: User, text: str
) -> MeetingDecision:
    """Record a decision of the team about the item's patient; it appears in the patient's
    chart. Raises MeetingClosed, TextRequired, TextTooLong. Audits
    CARE_MEETING_DECISION_RECORDED."""
    meeting = require_open(item.meeting_id)
    decision = MeetingDecision(
        item=item,
        text=text_checked(text, limit=DECISION_MAX, what="decision"),
        decided_by=by,
        decided_at=clock.now(),
    )
    decision.full_clean(exclude=["item", "decided_by"])
    decision.save()
    audit_record(
        actor=actor,
        entry=item_entry(
            "CARE_MEETING_DECISION_RECORDED", item, program=meeting.program, obj=decision
        ),
    )
    return decision


@transaction.atomic
def meeting_task_assign(
    *,
    actor: Actor,
    item: AgendaItem,
    by: User,
    text: str,
    owner: User,
    due_on: dt.date | None = None,
) -> MeetingTask:
    """Give ``owner`` a task about the item's patient. The owner must take part in the
    program's meetings (``selectors.task_owners``); a due date may not be before today in
    the program's zone. Raises MeetingClosed, TextRequired, TextTooLong, TaskOwnerInvalid,
    DueDateInPast. Audits CARE_MEETING_TASK_ASSIGNED with the owner."""
    meeting = require_open(item.meeting_id)
    task_text = text_checked(text, limit=TASK_MAX, what="task")
    if not task_owners(meeting.program_id).filter(pk=owner.pk).exists():
        raise TaskOwnerInvalid(
            "Give the task to a staff member of this program's care team.", field="owner"
        )
    today = clock.localdate(meeting.program.zone)
    if due_on is not None and due_on < today:
        raise DueDateInPast(
            f"The due date {due_on:%Y-%m-%d} is in the past (today is {today:%Y-%m-%d}).",
            field="due_on",
        )
    task = MeetingTask(
        item=item, text=task_text, owner=owner, due_on=due_on, created_by=by, created_at=clock.now()
    )
    task.full_clean(exclude=["item", "owner", "created_by"])
    task.save()
    audit_record(
        actor=actor,
        entry=item_entry(
            "CARE_MEETING_TASK_ASSIGNED",
            item,
            program=meeting.program,
            obj=task,
            owner_id=owner.pk,
        ),
    )
    return task


@transaction.atomic
def meeting_task_complete(*, actor: Actor, task: MeetingTask) -> MeetingTask:
    """Mark the task done (now); allowed after the meeting closed (see the module
    docstring). Raises TaskAlreadyDone. Audits CARE_MEETING_TASK_COMPLETED."""
    current = MeetingTask.objects.select_for_update().get(pk=task.pk)
    if current.done_at is not None:
        raise TaskAlreadyDone(f"This task was already marked done on {current.done_at:%Y-%m-%d}.")
    task.done_at = clock.now()
    task.save(update_fields=["done_at"])
    item = AgendaItem.objects.select_related("episode", "meeting__program").get(pk=task.item_id)
    audit_record(
        actor=actor,
        entry=item_entry(
            "CARE_MEETING_TASK_COMPLETED", item, program=item.meeting.program, obj=task
        ),
    )
    return task
