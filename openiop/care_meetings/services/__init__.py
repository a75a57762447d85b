"""Writes of the weekly care-team meeting. Each service checks its rule, writes and audits in
one transaction (``CARE_MEETING_*``, category CARE_MEETING, with the patient's id and the
program's Part 2 flag on every entry about a patient).

A closed meeting is read-only: every service that changes its agenda, a discussion, a
decision or a task refuses with ``MeetingClosed``, except ``meeting_task_complete``: a task
is follow-up work that outlives the meeting (its owner finishes it during the week, from
"My tasks"), so it can be marked done after the meeting closed.
"""

from openiop.care_meetings.services.common import (
    DECISION_MAX,
    DISCUSSION_MAX,
    REASON_MAX,
    TASK_MAX,
    meeting_entry,
)
from openiop.care_meetings.services.items import (
    agenda_item_add,
    agenda_item_discussion_save,
    agenda_item_mark_discussed,
    meeting_decision_record,
    meeting_task_assign,
    meeting_task_complete,
)
from openiop.care_meetings.services.meetings import (
    Rebuilt,
    care_meeting_close,
    care_meeting_open,
    care_meeting_rebuild,
)

__all__ = [
    "DECISION_MAX",
    "DISCUSSION_MAX",
    "REASON_MAX",
    "TASK_MAX",
    "Rebuilt",
    "agenda_item_add",
    "agenda_item_discussion_save",
    "agenda_item_mark_discussed",
    "care_meeting_close",
    "care_meeting_open",
    "care_meeting_rebuild",
    "meeting_decision_record",
    "meeting_entry",
    "meeting_task_assign",
    "meeting_task_complete",
]
