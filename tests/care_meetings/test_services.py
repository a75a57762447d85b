"""The meeting's write services: opening (idempotent), rebuilding without losing what the
team recorded, items added by hand, discussions, decisions, tasks and closing, with every
refusal and its audit."""

import datetime as dt

import pytest

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.care_meetings import services
from openiop.care_meetings.errors import (
    AlreadyOnAgenda,
    DiscussionConflict,
    DueDateInPast,
    MeetingClosed,
    NotAdmittedHere,
    TaskAlreadyDone,
    TaskOwnerInvalid,
    TextRequired,
    TextTooLong,
    WeekInvalid,
)
from openiop.care_meetings.models import AgendaItem, CareMeeting, MeetingDecision, MeetingTask
from openiop.measures.models import SafetyAlert, Timepoint
from openiop.measures.services import alert_acknowledge
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from tests.care_meetings.builders import DAY, admit, answer, measure_schedule, phq9
from tests.daily import TODAY, local, ordinary_day
from tests.factories import SYSTEM, program_setup, staff

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)


def _alert(day, episode):
    return answer(
        episode, phq9(11, item9=1), due_on=episode.admitted_on, timepoint=Timepoint.INTAKE
    ).alert


def _open(day):
    return services.care_meeting_open(actor=SYSTEM, program=day.program, by=day.tiny.director)


def _item(meeting, episode):
    return AgendaItem.objects.select_related("episode__patient").get(
        meeting=meeting, episode=episode
    )


def test_opening_builds_the_agenda_and_audits_every_patient_on_it(day):
    # given: two patients to discuss
    measure_schedule(day)
    alerted = day.episodes[1]
    _alert(day, alerted)
    new = admit(day, TODAY - DAY)
    before = AuditEvent.objects.count()

    # when
    meeting = _open(day)

    # then
    assert (meeting.week_start, meeting.created_by, meeting.closed_at) == (
        MONDAY,
        day.tiny.director,
        None,
    )
    items = list(meeting.items.order_by("position"))
    assert [(i.position, i.episode_id) for i in items] == [(1, alerted.pk), (2, new.pk)]
    assert items[0].reasons[0]["code"] == "functional_relapse"
    assert items[1].reasons == [
        {
            "code": "new_admission",
            "label": "New admission",
            "detail": "Admitted on 2026-03-03 (in the last 7 days).",
        }
    ]
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.action for e in events] == [
        "CARE_MEETING_OPENED",
        "CARE_MEETING_ITEM_ADDED",
        "CARE_MEETING_ITEM_ADDED",
    ]
    assert events[0].patient_id is None
    assert events[0].detail == {"week_start": "2026-03-02", "items": 2, "considered": 5}
    assert [e.patient_id for e in events[1:]] == [alerted.patient_id, new.patient_id]
    assert {e.category for e in events} == {"care_meeting"}


def test_opening_twice_returns_the_same_meeting_and_writes_nothing(day):
    first = _open(day)
    before = AuditEvent.objects.count()

    second = _open(day)

    assert second.pk == first.pk
    assert CareMeeting.objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_a_part2_program_s_meeting_audits_as_part2(day):
    day.program.is_part2 = True
    day.program.save(update_fields=["is_part2"])
    admit(day, TODAY)

    _open(day)

    events = AuditEvent.objects.filter(action__startswith="CARE_MEETING_")
    assert events.count() == 2
    assert all(e.part2 for e in events)


def test_rebuild_adds_refreshes_and_removes_without_losing_what_was_recorded(day, at_noon):
    # given: four patients on Monday's agenda
    at_noon.move_to(local(9, day=MONDAY))
    recorded, flagged, discussed, stale = (admit(day, MONDAY - n * DAY) for n in (0, 1, 2, 7))
    at_noon.move_to(local(10, day=MONDAY))
    meeting = _open(day)
    assert meeting.items.count() == 4
    item = _item(meeting, recorded)
    services.agenda_item_discussion_save(actor=SYSTEM, item=item, text="Doing well.")
    decision = services.meeting_decision_record(
        actor=SYSTEM, item=item, by=day.tiny.director, text="Keep the plan."
    )
    task = services.meeting_task_assign(
        actor=SYSTEM, item=item, by=day.tiny.director, text="Call family", owner=day.tiny.therapist
    )
    services.agenda_item_mark_discussed(actor=SYSTEM, item=_item(meeting, discussed))
    by_hand = services.agenda_item_add(
        actor=SYSTEM,
        meeting=meeting,
        episode=day.episodes[0],
        by=day.tiny.therapist,
        reason="Housing is uncertain.",
    )
    # ... then on Wednesday the one admitted 2026-02-23 is no longer new, one raised a
    # safety alert, and one more patient is admitted
    at_noon.move_to(local(12))
    measure_schedule(day)
    _alert(day, flagged)
    late = admit(day, TODAY)
    before = AuditEvent.objects.count()

    # when
    result = services.care_meeting_rebuild(actor=SYSTEM, meeting=meeting)

    # then
    assert result == services.Rebuilt(added=1, refreshed=1, removed=1, kept=5)
    items = {i.episode_id: i for i in meeting.items.all()}
    assert set(items) == {recorded.pk, flagged.pk, discussed.pk, day.episodes[0].pk, late.pk}
    assert stale.pk not in items
    kept = items[recorded.pk]
    assert kept.discussion == "Doing well."
    assert kept.reasons[0]["code"] == "new_admission"
    assert list(kept.decisions.all()) == [decision]
    assert list(kept.tasks.all()) == [task]
    assert [r["code"] for r in items[flagged.pk].reasons] == [
        "functional_relapse",
        "new_admission",
    ]
    assert items[discussed.pk].discussed_at is not None
    assert items[discussed.pk].reasons[0]["code"] == "new_admission"
    assert items[by_hand.episode_id].reasons[-1]["detail"] == "Housing is uncertain."
    assert sorted(i.position for i in items.values()) == [1, 2, 3, 4, 5]
    assert items[flagged.pk].position == 1  # the safety alert leads
    actions = list(
        AuditEvent.objects.filter(seq__gt=before)
        .order_by("seq")
        .values_list("action", "patient_id")
    )
    assert actions == [
        ("CARE_MEETING_REBUILT", None),
        ("CARE_MEETING_ITEM_ADDED", late.patient_id),
        ("CARE_MEETING_ITEM_REFRESHED", flagged.patient_id),
        ("CARE_MEETING_ITEM_REMOVED", stale.patient_id),
    ]


def test_a_discharged_patient_s_undiscussed_item_goes_at_rebuild(day):
    episode = admit(day, TODAY)
    meeting = _open(day)
    patient_services.episode_discharge(
        actor=SYSTEM, episode=episode, reason=DischargeReason.PATIENT_CHOICE, on=TODAY
    )

    result = services.care_meeting_rebuild(actor=SYSTEM, meeting=meeting)

    assert (result.removed, result.kept) == (1, 0)


def test_a_closed_meeting_is_read_only(day):
    # given
    admit(day, TODAY)
    meeting = _open(day)
    item = meeting.items.select_related("episode__patient").get()
    task = services.meeting_task_assign(
        actor=SYSTEM, item=item, by=day.tiny.director, text="Call", owner=day.tiny.therapist
    )
    services.care_meeting_close(actor=SYSTEM, meeting=meeting, by=day.tiny.director)
    before = AuditEvent.objects.count()
    writes = [
        lambda: services.care_meeting_rebuild(actor=SYSTEM, meeting=meeting),
        lambda: services.care_meeting_close(actor=SYSTEM, meeting=meeting, by=day.tiny.director),
        lambda: services.agenda_item_add(
            actor=SYSTEM,
            meeting=meeting,
            episode=day.episodes[0],
            by=day.tiny.director,
            reason="x",
        ),
        lambda: services.agenda_item_discussion_save(actor=SYSTEM, item=item, text="x"),
        lambda: services.agenda_item_mark_discussed(actor=SYSTEM, item=item),
        lambda: services.meeting_decision_record(
            actor=SYSTEM, item=item, by=day.tiny.director, text="x"
        ),
        lambda: services.meeting_task_assign(
            actor=SYSTEM, item=item, by=day.tiny.director, text="x", owner=day.tiny.therapist
        ),
    ]

    # when / then
    for write in writes:
        with pytest.raises(MeetingClosed, match="read-only"):
            write()
    assert AuditEvent.objects.count() == before
    item.refresh_from_db()
    assert (item.discussion, item.discussed_at) == ("", None)
    assert meeting.items.count() == 1
    assert not MeetingDecision.objects.exists()
    assert MeetingTask.objects.count() == 1
    # a task is follow-up work: it can still be marked done
    services.meeting_task_complete(actor=SYSTEM, task=task)
    task.refresh_from_db()
    assert task.done_at is not None


def test_a_patient_added_by_hand_must_be_admitted_here_and_not_on_the_agenda(day):
    meeting = _open(day)
    other = ordinary_day("Other IOP", patients=1)
    discharged = admit(day, TODAY - 3 * DAY)
    patient_services.episode_discharge(
        actor=SYSTEM, episode=discharged, reason=DischargeReason.PATIENT_CHOICE, on=TODAY
    )

    def add(episode, reason="Worried about housing."):
        return services.agenda_item_add(
            actor=SYSTEM, meeting=meeting, episode=episode, by=day.tiny.therapist, reason=reason
        )

    with pytest.raises(NotAdmittedHere):
        add(other.episodes[0])
    with pytest.raises(NotAdmittedHere):
        add(discharged)
    with pytest.raises(TextRequired):
        add(day.episodes[0], reason="   ")
    with pytest.raises(TextTooLong):
        add(day.episodes[0], reason="x" * 301)
    item = add(day.episodes[0])
    with pytest.raises(AlreadyOnAgenda):
        add(day.episodes[0])

    assert item.added_by == day.tiny.therapist
    assert item.reasons == [
        {
            "code": "added_by_hand",
            "label": "Added by hand",
            "detail": "Worried about housing.",
            "by": day.tiny.therapist.display_name,
        }
    ]
    assert meeting.items.count() == 1
    event = AuditEvent.objects.get(action="CARE_MEETING_ITEM_ADDED")
    assert event.patient_id == day.episodes[0].patient_id


def test_a_discussion_saved_by_someone_else_meanwhile_is_a_conflict_and_nothing_is_lost(day):
    meeting = _open(day)
    item = services.agenda_item_add(
        actor=SYSTEM, meeting=meeting, episode=day.episodes[0], by=day.tiny.director, reason="x"
    )
    services.agenda_item_discussion_save(actor=SYSTEM, item=item, text="First", original="")

    with pytest.raises(DiscussionConflict) as refused:
        services.agenda_item_discussion_save(actor=SYSTEM, item=item, text="Second", original="")

    assert refused.value.current == "First"
    assert refused.value.code == "discussion_conflict"
    item.refresh_from_db()
    assert item.discussion == "First"
    services.agenda_item_discussion_save(
        actor=SYSTEM, item=item, text="First, then second", original="First"
    )
    item.refresh_from_db()
    assert item.discussion == "First, then second"


def test_marking_discussed_twice_changes_nothing(day):
    meeting = _open(day)
    item = services.agenda_item_add(
        actor=SYSTEM, meeting=meeting, episode=day.episodes[0], by=day.tiny.director, reason="x"
    )
    services.agenda_item_mark_discussed(actor=SYSTEM, item=item)
    first = item.discussed_at

    services.agenda_item_mark_discussed(actor=SYSTEM, item=item)

    assert item.discussed_at == first
    assert AuditEvent.objects.filter(action="CARE_MEETING_ITEM_DISCUSSED").count() == 1


def test_decisions_need_text_and_are_audited_with_the_patient(day):
    meeting = _open(day)
    item = services.agenda_item_add(
        actor=SYSTEM, meeting=meeting, episode=day.episodes[2], by=day.tiny.director, reason="x"
    )

    with pytest.raises(TextRequired):
        services.meeting_decision_record(actor=SYSTEM, item=item, by=day.tiny.director, text=" ")
    decision = services.meeting_decision_record(
        actor=SYSTEM, item=item, by=day.tiny.director, text="  Step down to OP.  "
    )

    assert decision.text == "Step down to OP."
    event = AuditEvent.objects.get(action="CARE_MEETING_DECISION_RECORDED")
    assert (event.patient_id, event.object_type, event.object_id) == (
        day.episodes[2].patient_id,
        "meeting_decision",
        str(decision.pk),
    )


def test_a_task_goes_to_a_care_team_member_of_the_program_and_is_due_today_or_later(day):
    meeting = _open(day)
    item = services.agenda_item_add(
        actor=SYSTEM, meeting=meeting, episode=day.episodes[0], by=day.tiny.director, reason="x"
    )
    billing = staff(ProgramRole.BILLING_SPECIALIST, day.program)  # no CARE_MEETING
    outsider = staff(ProgramRole.THERAPIST, program_setup("Elsewhere").program)

    def assign(owner, due_on=None, text="Call the family"):
        return services.meeting_task_assign(
            actor=SYSTEM, item=item, by=day.tiny.director, text=text, owner=owner, due_on=due_on
        )

    for owner in (billing, outsider):
        with pytest.raises(TaskOwnerInvalid):
            assign(owner)
    with pytest.raises(DueDateInPast, match="2026-03-03"):
        assign(day.tiny.therapist, due_on=TODAY - DAY)
    with pytest.raises(TextRequired):
        assign(day.tiny.therapist, text="")
    task = assign(day.tiny.facilitator, due_on=TODAY)

    assert (task.owner, task.due_on, task.done_at) == (day.tiny.facilitator, TODAY, None)
    assert MeetingTask.objects.count() == 1
    event = AuditEvent.objects.get(action="CARE_MEETING_TASK_ASSIGNED")
    assert event.detail["owner_id"] == day.tiny.facilitator.pk


def test_a_task_is_marked_done_once(day):
    meeting = _open(day)
    item = services.agenda_item_add(
        actor=SYSTEM, meeting=meeting, episode=day.episodes[0], by=day.tiny.director, reason="x"
    )
    task = services.meeting_task_assign(
        actor=SYSTEM, item=item, by=day.tiny.director, text="Call", owner=day.tiny.therapist
    )

    services.meeting_task_complete(actor=SYSTEM, task=task)
    with pytest.raises(TaskAlreadyDone):
        services.meeting_task_complete(actor=SYSTEM, task=task)

    event = AuditEvent.objects.get(action="CARE_MEETING_TASK_COMPLETED")
    assert event.patient_id == day.episodes[0].patient_id


def test_a_cleared_reason_removes_an_untouched_item_but_keeps_one_with_a_decision(day):
    # given: two patients on the agenda for open safety alerts; one has a decision
    measure_schedule(day)
    untouched, decided = day.episodes[0], day.episodes[1]
    alerts = [_alert(day, untouched), _alert(day, decided)]
    meeting = _open(day)
    services.meeting_decision_record(
        actor=SYSTEM, item=_item(meeting, decided), by=day.tiny.director, text="Safety plan."
    )
    for alert in alerts:
        alert_acknowledge(
            actor=SYSTEM, alert=alert, by=day.tiny.therapist, action_taken="Called; safe."
        )
    assert not SafetyAlert.objects.filter(acknowledged_at__isnull=True).exists()

    # when
    result = services.care_meeting_rebuild(actor=SYSTEM, meeting=meeting)

    # then
    assert (result.removed, result.kept) == (1, 1)
    item = meeting.items.get()
    assert item.episode_id == decided.pk
    assert item.reasons[0]["code"] == "functional_relapse"  # as the team saw it
    assert item.decisions.count() == 1


def test_an_earlier_week_s_meeting_can_be_recorded_late_but_not_a_future_one(day):
    last_week = MONDAY - 7 * DAY

    meeting = services.care_meeting_open(
        actor=SYSTEM, program=day.program, by=day.tiny.director, week_start=last_week
    )

    assert meeting.week_start == last_week
    for bad in (MONDAY + 7 * DAY, MONDAY + DAY):
        with pytest.raises(WeekInvalid):
            services.care_meeting_open(
                actor=SYSTEM, program=day.program, by=day.tiny.director, week_start=bad
            )
    assert CareMeeting.objects.count() == 1
