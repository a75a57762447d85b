"""The meeting pages: opening this week's meeting, the workspace with every reason and
component, writes and their refusals, printing, "My tasks" and the chart's care-team tab;
another program's staff get 404, staff without CARE_MEETING get 403, and the lists run a
fixed number of queries."""

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.care_meetings import services
from openiop.care_meetings.models import CareMeeting, MeetingDecision, MeetingTask
from openiop.measures.models import Timepoint
from tests.care_meetings.builders import DAY, admit, answer, measure_schedule, phq9
from tests.daily import TODAY, local, ordinary_day
from tests.factories import SYSTEM, login, staff

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    return reverse(f"care_meetings:{name}", kwargs=kwargs)


def _meeting(day, *, patients=()):
    for on in patients:
        admit(day, on)
    return services.care_meeting_open(actor=SYSTEM, program=day.program, by=day.tiny.director)


def _hand_item(day, meeting, episode=None):
    return services.agenda_item_add(
        actor=SYSTEM,
        meeting=meeting,
        episode=episode or day.episodes[0],
        by=day.tiny.director,
        reason="Worried about housing.",
    )


def test_the_meetings_page_lists_programs_and_opens_this_week_s_meeting(client, day):
    login(client, day.tiny.facilitator)

    page = client.get(_url("list"))
    opened = client.post(_url("open", program_id=day.program.pk))
    again = client.post(_url("open", program_id=day.program.pk))

    assert page.status_code == 200
    assert "Open this week's meeting" in page.text
    meeting = CareMeeting.objects.get()
    assert opened.status_code == again.status_code == 302
    assert opened["Location"] == again["Location"] == _url("workspace", meeting_id=meeting.pk)
    assert "Go to this week's meeting" in client.get(_url("list")).text


def test_the_workspace_shows_each_reason_and_every_relapse_component(client, day):
    # given: a safety alert and a new admission
    measure_schedule(day)
    alerted = day.episodes[2]
    answer(alerted, phq9(11, item9=1), due_on=alerted.admitted_on, timepoint=Timepoint.INTAKE)
    new = admit(day, TODAY)
    meeting = _meeting(day)
    login(client, day.tiny.therapist)
    before = AuditEvent.objects.count()

    # when
    page = client.get(_url("workspace", meeting_id=meeting.pk))

    # then
    assert page.status_code == 200
    text = page.text
    assert text.index(alerted.patient.display_name) < text.index(new.patient.display_name)
    assert "Functional-relapse signal" in text
    assert "Components of the functional-relapse signal: score 3, the signal fires at 2" in text
    for label in (
        "Open safety alert",
        "Reliable deterioration on a measure",
        "Attendance falling against own baseline",
        "Missed individual sessions",
        "Positive drug screens",
        "Missed questionnaires",
    ):
        assert label in text
    assert "<strong>Yes</strong> (+2)" in text
    assert "not judged" in text
    assert "Admitted on 2026-03-04 (in the last 7 days)." in text
    events = AuditEvent.objects.filter(seq__gt=before)
    assert events.filter(action="CARE_MEETING_VIEWED", patient_id=None).count() == 1
    listed = set(events.filter(action="PATIENT_LISTED").values_list("patient_id", flat=True))
    assert listed == {alerted.patient_id, new.patient_id}


# PostgreSQL adds the audit chain's advisory lock per audit append (two on the workspace:
# the meeting view and the patients listed).
PG = int(connection.vendor == "postgresql")
WORKSPACE_QUERIES = 21 + 2 * PG


def _busy_meeting(name, patients):
    day = ordinary_day(name, patients=patients)
    meeting = services.care_meeting_open(actor=SYSTEM, program=day.program, by=day.tiny.director)
    for episode in day.episodes:
        item = _hand_item(day, meeting, episode)
        services.agenda_item_discussion_save(actor=SYSTEM, item=item, text="Talked.")
        services.meeting_decision_record(actor=SYSTEM, item=item, by=day.tiny.director, text="Go")
        services.meeting_task_assign(
            actor=SYSTEM, item=item, by=day.tiny.director, text="Call", owner=day.tiny.therapist
        )
    return day, meeting


def test_the_workspace_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    with time_machine.travel(local(12), tick=False):
        for name, size in (("Small IOP", 2), ("Large IOP", 6)):
            day, meeting = _busy_meeting(name, size)
            admit(day, TODAY - 20 * DAY)  # one patient left to add by hand
            login(client, day.tiny.director)
            url = _url("workspace", meeting_id=meeting.pk)
            client.get(url)  # warm the session
            with django_assert_num_queries(WORKSPACE_QUERIES):
                page = client.get(url)
            assert page.text.count("Talked.</textarea>") == size


def test_another_program_s_staff_get_404_and_staff_without_care_meeting_403(client, day):
    meeting = _meeting(day, patients=[TODAY])
    item = meeting.items.get()
    task = services.meeting_task_assign(
        actor=SYSTEM, item=item, by=day.tiny.director, text="Call", owner=day.tiny.therapist
    )
    other = ordinary_day("Other IOP", patients=1)
    gets = [
        _url("workspace", meeting_id=meeting.pk),
        _url("print", meeting_id=meeting.pk),
        _url("print_pdf", meeting_id=meeting.pk),
    ]
    posts = [
        _url("open", program_id=day.program.pk),
        _url("rebuild", meeting_id=meeting.pk),
        _url("close", meeting_id=meeting.pk),
        _url("item_add", meeting_id=meeting.pk),
        _url("discussion", meeting_id=meeting.pk, item_id=item.pk),
        _url("discussed", meeting_id=meeting.pk, item_id=item.pk),
        _url("decision_add", meeting_id=meeting.pk, item_id=item.pk),
        _url("task_add", meeting_id=meeting.pk, item_id=item.pk),
        _url("task_done", meeting_id=meeting.pk, task_id=task.pk),
    ]
    data = {f"decision-{item.pk}-text": "x", f"discussion-{item.pk}-text": "x"}

    login(client, other.tiny.director)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, data).status_code == 404, url
    assert client.get(_url("chart", patient_id=item.episode.patient_id)).status_code == 404

    login(client, staff(ProgramRole.BILLING_SPECIALIST, day.program))
    for url in [*gets, _url("list"), _url("my_tasks")]:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, data).status_code == 403, url

    item.refresh_from_db()
    task.refresh_from_db()
    assert (item.discussion, item.discussed_at, task.done_at) == ("", None, None)
    assert not MeetingDecision.objects.exists()
    assert CareMeeting.objects.get().closed_at is None
    denied = AuditEvent.objects.filter(outcome="denied")
    assert denied.count() >= len(gets) + len(posts)
    assert not denied.exclude(patient_id=None).exists()


def test_discussion_decision_task_and_discussed_from_the_workspace(client, day):
    meeting = _meeting(day, patients=[TODAY])
    item = meeting.items.get()
    login(client, day.tiny.therapist)

    saved = client.post(
        _url("discussion", meeting_id=meeting.pk, item_id=item.pk),
        {f"discussion-{item.pk}-text": "Settling in.", f"discussion-{item.pk}-original": ""},
    )
    decided = client.post(
        _url("decision_add", meeting_id=meeting.pk, item_id=item.pk),
        {f"decision-{item.pk}-text": "Add a family session."},
    )
    tasked = client.post(
        _url("task_add", meeting_id=meeting.pk, item_id=item.pk),
        {
            f"task-{item.pk}-text": "Book the family session",
            f"task-{item.pk}-owner": str(day.tiny.facilitator.pk),
            f"task-{item.pk}-due_on": "2026-03-06",
        },
    )
    discussed = client.post(_url("discussed", meeting_id=meeting.pk, item_id=item.pk))

    anchor = f"{_url('workspace', meeting_id=meeting.pk)}#item-{item.pk}"
    assert [r.status_code for r in (saved, decided, tasked, discussed)] == [302] * 4
    assert saved["Location"] == anchor
    item.refresh_from_db()
    assert item.discussion == "Settling in."
    assert item.discussed_at is not None
    assert MeetingDecision.objects.get().decided_by == day.tiny.therapist
    task = MeetingTask.objects.get()
    assert (task.owner, str(task.due_on)) == (day.tiny.facilitator, "2026-03-06")


def test_bad_input_re_renders_the_workspace_with_a_clear_message(client, day):
    meeting = _meeting(day, patients=[TODAY])
    item = meeting.items.get()
    login(client, day.tiny.therapist)
    billing = staff(ProgramRole.BILLING_SPECIALIST, day.program)

    empty = client.post(
        _url("decision_add", meeting_id=meeting.pk, item_id=item.pk),
        {f"decision-{item.pk}-text": "  "},
    )
    past = client.post(
        _url("task_add", meeting_id=meeting.pk, item_id=item.pk),
        {
            f"task-{item.pk}-text": "Call",
            f"task-{item.pk}-owner": str(day.tiny.facilitator.pk),
            f"task-{item.pk}-due_on": "2026-03-01",
        },
    )
    wrong_owner = client.post(
        _url("task_add", meeting_id=meeting.pk, item_id=item.pk),
        {f"task-{item.pk}-text": "Call", f"task-{item.pk}-owner": str(billing.pk)},
    )
    other = ordinary_day("Other IOP", patients=1)
    outsider = client.post(
        _url("item_add", meeting_id=meeting.pk),
        {"add-episode": str(other.episodes[0].pk), "add-reason": "x"},
    )

    assert empty.status_code == 400
    assert "Write the decision." in empty.text
    assert past.status_code == 400
    assert "The due date 2026-03-01 is in the past (today is 2026-03-04)." in past.text
    assert 'value="Call"' in past.text  # what was typed is kept
    assert wrong_owner.status_code == 400
    assert "staff member of this program&#x27;s care team" in wrong_owner.text
    assert outsider.status_code == 400
    assert "Choose a patient admitted to this program." in outsider.text
    assert other.episodes[0].patient.display_name not in outsider.text
    assert not MeetingDecision.objects.exists()
    assert not MeetingTask.objects.exists()
    assert meeting.items.count() == 1


def test_a_conflicting_discussion_shows_both_versions(client, day):
    meeting = _meeting(day, patients=[TODAY])
    item = meeting.items.select_related("episode__patient").get()
    services.agenda_item_discussion_save(actor=SYSTEM, item=item, text="Theirs.")
    login(client, day.tiny.therapist)

    response = client.post(
        _url("discussion", meeting_id=meeting.pk, item_id=item.pk),
        {f"discussion-{item.pk}-text": "Mine.", f"discussion-{item.pk}-original": ""},
    )

    assert response.status_code == 409
    assert "Someone else saved this discussion" in response.text
    assert "Theirs." in response.text
    assert "Mine." in response.text
    item.refresh_from_db()
    assert item.discussion == "Theirs."


def test_a_closed_meeting_refuses_edits_with_a_clear_error(client, day):
    meeting = _meeting(day, patients=[TODAY])
    item = meeting.items.get()
    login(client, day.tiny.director)
    assert client.post(_url("close", meeting_id=meeting.pk)).status_code == 302

    page = client.get(_url("workspace", meeting_id=meeting.pk))
    refused = client.post(
        _url("decision_add", meeting_id=meeting.pk, item_id=item.pk),
        {f"decision-{item.pk}-text": "Too late."},
    )
    rebuild = client.post(_url("rebuild", meeting_id=meeting.pk))

    assert "This meeting is read-only" in page.text
    assert "Record a decision" not in page.text
    assert refused.status_code == rebuild.status_code == 409
    assert "read-only" in refused.text
    assert not MeetingDecision.objects.exists()


def test_my_tasks_lists_my_open_tasks_and_marks_them_done(client, day):
    meeting = _meeting(day, patients=[TODAY])
    item = meeting.items.select_related("episode__patient").get()
    mine = services.meeting_task_assign(
        actor=SYSTEM,
        item=item,
        by=day.tiny.director,
        text="Call the family",
        owner=day.tiny.therapist,
    )
    services.meeting_task_assign(
        actor=SYSTEM, item=item, by=day.tiny.director, text="Not mine", owner=day.tiny.facilitator
    )
    login(client, day.tiny.therapist)

    page = client.get(_url("my_tasks"))
    done = client.post(_url("task_done", meeting_id=meeting.pk, task_id=mine.pk), {"back": "tasks"})

    assert page.status_code == 200
    assert "Call the family" in page.text
    assert "Not mine" not in page.text
    assert item.episode.patient.display_name in page.text
    assert AuditEvent.objects.filter(
        action="PATIENT_LISTED", patient_id=item.episode.patient_id
    ).exists()
    assert done["Location"] == _url("my_tasks")
    mine.refresh_from_db()
    assert mine.done_at is not None
    assert "You have no open tasks." in client.get(_url("my_tasks")).text


def test_the_agenda_prints_as_a_page_and_as_a_pdf(client, day):
    meeting = _meeting(day, patients=[TODAY])
    item = meeting.items.select_related("episode__patient").get()
    services.meeting_decision_record(
        actor=SYSTEM, item=item, by=day.tiny.director, text="Welcome call."
    )
    login(client, day.tiny.director)

    page = client.get(_url("print", meeting_id=meeting.pk))
    pdf = client.get(_url("print_pdf", meeting_id=meeting.pk))

    assert page.status_code == 200
    assert "Welcome call." in page.text
    assert "New admission" in page.text
    assert "<form" not in page.text.split('<main id="main"', 1)[1]
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="CARE_MEETING_PRINTED").count() == 2


def test_decisions_and_tasks_appear_in_the_patient_s_chart(client, day, django_assert_num_queries):
    # given: two meetings' decisions and a task about the patient
    episode = day.episodes[1]
    meeting = _meeting(day)
    item = _hand_item(day, meeting, episode)
    services.meeting_decision_record(
        actor=SYSTEM, item=item, by=day.tiny.director, text="Move to the core phase."
    )
    task = services.meeting_task_assign(
        actor=SYSTEM,
        item=item,
        by=day.tiny.director,
        text="Update the plan",
        owner=day.tiny.therapist,
    )
    login(client, day.tiny.facilitator)
    url = _url("chart", patient_id=episode.patient_id)
    client.get(url)  # warm the session

    # when
    with django_assert_num_queries(CHART_QUERIES):
        page = client.get(url)

    # then
    assert page.status_code == 200
    assert "Move to the core phase." in page.text
    assert "Update the plan" in page.text
    assert day.tiny.therapist.display_name in page.text
    assert AuditEvent.objects.filter(
        action="PATIENT_CARE_DECISIONS_VIEWED", patient_id=episode.patient_id
    ).exists()
    services.meeting_task_complete(actor=SYSTEM, task=task)
    assert "Done 2026-03-04" in client.get(url).text


CHART_QUERIES = 19 + PG


LIST_QUERIES = 9
MY_TASKS_QUERIES = 12 + PG


def test_the_meetings_page_and_my_tasks_run_a_fixed_number_of_queries(
    client, day, at_noon, django_assert_num_queries
):
    # given: a meeting a week for three weeks, with a task for the therapist per patient
    for weeks_ago in (2, 1, 0):
        at_noon.move_to(local(12, day=TODAY - 7 * weeks_ago * DAY))
        login(client, day.tiny.therapist)
        meeting = services.care_meeting_open(
            actor=SYSTEM, program=day.program, by=day.tiny.director
        )
        for episode in day.episodes[: weeks_ago + 1]:
            item = _hand_item(day, meeting, episode)
            services.meeting_task_assign(
                actor=SYSTEM,
                item=item,
                by=day.tiny.director,
                text=f"Task {weeks_ago}",
                owner=day.tiny.therapist,
            )
        client.get(_url("list"))  # warm the session
        client.get(_url("my_tasks"))

        # when / then: the same number of queries as meetings and tasks grow
        with django_assert_num_queries(LIST_QUERIES):
            assert client.get(_url("list")).status_code == 200
        with django_assert_num_queries(MY_TASKS_QUERIES):
            assert client.get(_url("my_tasks")).status_code == 200
    assert MeetingTask.objects.count() == 6
