"""Fetch-and-authorize for meetings: another program's meeting, a child under the wrong
parent, a missing one and a malformed id are the same NotFound, audited as a denied attempt
that names no patient."""

import pytest

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.care_meetings import access, services
from openiop.core.errors import NotFound
from tests.care_meetings.builders import admit
from tests.daily import TODAY, ordinary_day
from tests.factories import SYSTEM, staff

pytestmark = pytest.mark.django_db

BAD_IDS = [0, -1, 2**63, 10**9]


@pytest.fixture
def two(day):
    """Two programs, each with this week's meeting holding one task."""
    other = ordinary_day("Other IOP", patients=1)
    meetings = []
    for d in (day, other):
        admit(d, TODAY)
        meeting = services.care_meeting_open(actor=SYSTEM, program=d.program, by=d.tiny.director)
        item = meeting.items.select_related("episode__patient").get()
        services.meeting_task_assign(
            actor=SYSTEM, item=item, by=d.tiny.director, text="Call", owner=d.tiny.therapist
        )
        meetings.append(meeting)
    return day, other, meetings[0], meetings[1]


def _assert_denied(action, count=1):
    denied = AuditEvent.objects.filter(action=action, outcome="denied")
    assert denied.count() == count
    assert not denied.exclude(patient_id=None).exists()


def test_a_member_reaches_their_program_s_meeting(two):
    day, _other, mine, _theirs = two

    found = access.meeting_access(day.tiny.facilitator, mine.pk, actor=SYSTEM, action="X_VIEWED")

    assert found == mine
    assert list(access.meetings_visible_to(day.tiny.therapist)) == [mine]


def test_another_program_s_meeting_or_a_bad_id_is_not_found(two):
    day, _other, _mine, theirs = two

    for meeting_id in [theirs.pk, *BAD_IDS]:
        with pytest.raises(NotFound):
            access.meeting_access(day.tiny.director, meeting_id, actor=SYSTEM, action="X_VIEWED")

    _assert_denied("X_VIEWED", 1 + len(BAD_IDS))


def test_staff_without_care_meeting_reach_no_meeting(two):
    day, _other, mine, _theirs = two
    billing = staff(ProgramRole.BILLING_SPECIALIST, day.program)

    with pytest.raises(NotFound):
        access.meeting_access(billing, mine.pk, actor=SYSTEM, action="X_VIEWED")

    assert not access.meetings_visible_to(billing).exists()
    _assert_denied("X_VIEWED")


def test_a_program_without_care_meeting_is_not_found(two):
    day, other, _mine, _theirs = two

    with pytest.raises(NotFound):
        access.program_for_meetings(
            day.tiny.therapist, other.program.pk, actor=SYSTEM, action="X_OPENED"
        )
    assert (
        access.program_for_meetings(
            day.tiny.therapist, day.program.pk, actor=SYSTEM, action="X_OPENED"
        )
        == day.program
    )
    _assert_denied("X_OPENED")


def test_items_and_tasks_of_another_meeting_are_not_found(two):
    _day, _other, mine, theirs = two
    their_item = theirs.items.get()
    their_task = their_item.tasks.get()

    for item_id in [their_item.pk, *BAD_IDS]:
        with pytest.raises(NotFound):
            access.item_of(mine, item_id, actor=SYSTEM, action="X_ITEM")
    for task_id in [their_task.pk, *BAD_IDS]:
        with pytest.raises(NotFound):
            access.task_of(mine, task_id, actor=SYSTEM, action="X_TASK")

    assert access.item_of(theirs, their_item.pk, actor=SYSTEM, action="X_ITEM") == their_item
    assert access.task_of(theirs, their_task.pk, actor=SYSTEM, action="X_TASK") == their_task
    _assert_denied("X_ITEM", 1 + len(BAD_IDS))
    _assert_denied("X_TASK", 1 + len(BAD_IDS))


def test_only_patients_admitted_to_the_meeting_s_program_can_be_put_on_its_agenda(two):
    day, other, mine, _theirs = two

    with pytest.raises(NotFound):
        access.episode_for_agenda(mine, other.episodes[0].pk, actor=SYSTEM, action="X_ADDED")
    found = access.episode_for_agenda(mine, day.episodes[0].pk, actor=SYSTEM, action="X_ADDED")

    assert found == day.episodes[0]
    _assert_denied("X_ADDED")
