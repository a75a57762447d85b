"""What every care-meeting service shares: the audit entries, the text rules, and the
re-read of the meeting that refuses writes to a closed one."""

from __future__ import annotations

from typing import Any

from openiop.audit.models import DataCategory
from openiop.audit.services import Entry
from openiop.care_meetings.errors import MeetingClosed, TextRequired, TextTooLong
from openiop.care_meetings.models import AgendaItem, CareMeeting, MeetingDecision, MeetingTask
from openiop.programs.models import Program

REASON_MAX = 300
DECISION_MAX = 2000
DISCUSSION_MAX = 10000
TASK_MAX = 300


def meeting_entry(action: str, meeting: CareMeeting, **detail: Any) -> Entry:
    return Entry(
        action=action,
        category=DataCategory.CARE_MEETING,
        part2=meeting.program.is_part2,
        object_type="care_meeting",
        object_id=str(meeting.pk),
        detail={"week_start": meeting.week_start.isoformat(), **detail},
    )


def item_entry(
    action: str, item: AgendaItem, *, program: Program, obj: Any = None, **detail: Any
) -> Entry:
    """An entry about the item's patient; ``obj`` (a decision or task) is what changed."""
    target = obj if obj is not None else item
    return Entry(
        action=action,
        category=DataCategory.CARE_MEETING,
        patient_id=item.episode.patient_id,
        part2=program.is_part2,
        object_type={
            AgendaItem: "agenda_item",
            MeetingDecision: "meeting_decision",
            MeetingTask: "meeting_task",
        }[type(target)],
        object_id=str(target.pk),
        detail={"meeting_id": item.meeting_id, **detail},
    )


def text_checked(value: str, *, limit: int, what: str, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise TextRequired(f"Write the {what}.", field="text")
    if len(text) > limit:
        raise TextTooLong(f"Keep the {what} under {limit} characters.", field="text")
    return text


def require_open(meeting_id: int) -> CareMeeting:
    """The meeting, re-read (and locked where the database can) inside the transaction, so a
    close that committed first is seen. Raises MeetingClosed."""
    meeting = (
        CareMeeting.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=meeting_id)
    )
    if meeting.closed_at is not None:
        raise MeetingClosed(
            f"This meeting was closed on {meeting.closed_at:%Y-%m-%d}: its agenda, discussions, "
            "decisions and tasks are read-only."
        )
    return meeting


def reason_codes(item: AgendaItem) -> list[str]:
    """The item's reason codes, for the audit detail (codes only, no clinical text)."""
    return [r["code"] for r in item.reasons]
