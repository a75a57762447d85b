"""Schedule pages: who may see and plan, one 404 for other programs, the live progress
fragment, the blocked-plan page, and query counts that do not grow with the program."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engines.scheduling.solver import Progress
from openiop.accounts.roles import ProgramRole
from openiop.audit.models import AuditEvent
from openiop.scheduling import services
from openiop.scheduling.models import PlanKind, PlanState, ScheduledSession, SchedulePlan
from tests.factories import SYSTEM, login
from tests.scheduling.builders import admit, tiny_program

pytestmark = pytest.mark.django_db


def _urls(tiny, plan_id: int = 1) -> dict[str, str]:
    p = tiny.program.pk
    episode = tiny.episodes[0]
    return {
        "program": reverse("scheduling:program", args=[p]),
        "cohorts": reverse("scheduling:cohorts", args=[p]),
        "inputs": reverse("scheduling:inputs", args=[p]),
        "plan": reverse("scheduling:plan", args=[p, plan_id]),
        "progress": reverse("scheduling:plan_progress", args=[p, plan_id]),
        "staff": reverse("scheduling:staff_availability", args=[p, tiny.therapist.pk]),
        "session": reverse("scheduling:session_create", args=[p]),
        "patient": reverse("scheduling:patient_inputs", args=[episode.patient_id, episode.pk]),
    }


def _request_plan(client, tiny, capture):
    with capture(execute=True):
        response = client.post(reverse("scheduling:plan_next_week", args=[tiny.program.pk]))
    assert response.status_code == 302
    return SchedulePlan.objects.get(program=tiny.program)


def test_a_director_plans_next_week_and_approves_it(
    client, wednesday, django_capture_on_commit_callbacks
):
    tiny = tiny_program()
    login(client, tiny.director)
    page = client.get(reverse("scheduling:program", args=[tiny.program.pk]))
    assert b"Plan next week" in page.content
    plan = _request_plan(client, tiny, django_capture_on_commit_callbacks)
    shown = client.get(reverse("scheduling:plan", args=[tiny.program.pk, plan.pk]))
    assert b"Approve and put on the calendar" in shown.content
    assert tiny.episodes[0].patient.display_name.encode() in shown.content
    listed = AuditEvent.objects.filter(
        action="PATIENT_LISTED", patient_id=tiny.episodes[0].patient_id
    )
    assert listed.exists()  # the diff names patients: each is audited as listed
    done = client.post(reverse("scheduling:plan_approve", args=[tiny.program.pk, plan.pk]))
    assert done.status_code == 302
    after = client.get(done["Location"])
    assert b"Sessions on the calendar" in after.content
    assert ScheduledSession.objects.filter(plan=plan).exists()


def test_a_therapist_sees_the_schedule_but_cannot_plan(
    client, wednesday, django_capture_on_commit_callbacks
):
    tiny = tiny_program()
    login(client, tiny.director)
    plan = _request_plan(client, tiny, django_capture_on_commit_callbacks)
    client.logout()
    login(client, tiny.therapist)
    urls = _urls(tiny, plan.pk)
    page = client.get(urls["program"])
    assert page.status_code == 200
    assert b"Plan next week" not in page.content
    assert client.get(urls["cohorts"]).status_code == 200
    for name in ("plan", "progress", "inputs", "staff", "session", "patient"):
        assert client.get(urls[name]).status_code == 403, name
    assert (
        client.post(reverse("scheduling:plan_next_week", args=[tiny.program.pk])).status_code == 403
    )
    assert (
        client.post(reverse("scheduling:plan_approve", args=[tiny.program.pk, plan.pk])).status_code
        == 403
    )
    plan.refresh_from_db()
    assert plan.state == PlanState.PROPOSED


def test_another_programs_director_gets_404_everywhere_and_changes_nothing(
    client, wednesday, django_capture_on_commit_callbacks
):
    tiny = tiny_program()
    login(client, tiny.director)
    plan = _request_plan(client, tiny, django_capture_on_commit_callbacks)
    client.logout()
    outsider = tiny_program("Other IOP", patients=0)
    login(client, outsider.director)
    for name, url in _urls(tiny, plan.pk).items():
        assert client.get(url).status_code == 404, name
    p = tiny.program.pk
    for name in ("plan_next_week", "replan"):
        assert client.post(reverse(f"scheduling:{name}", args=[p])).status_code == 404
    for name in ("plan_approve", "plan_discard"):
        assert client.post(reverse(f"scheduling:{name}", args=[p, plan.pk])).status_code == 404
    # a plan id under the wrong program is a 404 too, even for its own program's director
    client.logout()
    login(client, tiny.director)
    wrong = reverse("scheduling:plan", args=[outsider.program.pk, plan.pk])
    assert client.get(wrong).status_code == 404
    plan.refresh_from_db()
    assert plan.state == PlanState.PROPOSED
    assert SchedulePlan.objects.count() == 1
    assert AuditEvent.objects.filter(outcome="denied", patient_id__isnull=False).count() == 0


def test_the_progress_fragment_polls_until_the_plan_is_done(
    client, wednesday, django_capture_on_commit_callbacks
):
    tiny = tiny_program()
    login(client, tiny.director)
    with django_capture_on_commit_callbacks(execute=False):
        plan = services.plan_request(
            actor=SYSTEM, program=tiny.program, by=tiny.director, kind=PlanKind.NEXT_WEEK
        )
    url = reverse("scheduling:plan_progress", args=[tiny.program.pk, plan.pk])
    waiting = client.get(url)
    assert b'hx-trigger="every 1s"' in waiting.content
    assert b"X-OpenIOP-Background" in waiting.content  # polling keeps no session alive
    assert "HX-Refresh" not in waiting
    services.plan_start(plan_id=plan.pk)
    services.plan_record_progress(
        plan_id=plan.pk, progress=Progress("timetable", 2.5, 120, 80.0, "Found a better week.")
    )
    running = client.get(url)
    assert b"Found a better week." in running.content
    assert b"cost 120" in running.content
    assert b'value="2.5"' in running.content
    assert b'hx-trigger="every 1s"' in running.content
    services.plan_discard(actor=SYSTEM, plan=plan)
    done = client.get(url)
    assert done["HX-Refresh"] == "true"
    assert b"hx-trigger" not in done.content


def test_bad_data_gets_a_page_naming_the_fix(client, wednesday):
    tiny = tiny_program(patients=1)
    bare = admit(tiny, windows=[])
    login(client, tiny.director)
    response = client.post(reverse("scheduling:plan_next_week", args=[tiny.program.pk]))
    assert response.status_code == 400
    assert f"{bare.patient.display_name} has no availability".encode() in response.content
    assert not SchedulePlan.objects.exists()


def test_inputs_pages_save_through_the_services(client, wednesday):
    tiny = tiny_program(patients=1)
    episode = tiny.episodes[0]
    login(client, tiny.director)
    urls = _urls(tiny)
    assert client.get(urls["patient"]).status_code == 200
    assert AuditEvent.objects.filter(action="SCHEDULING_NEEDS_VIEWED").count() == 1
    saved = client.post(
        urls["patient"],
        {"hours-day_2": "09:00-12:00, 13-16", "needs-individual_per_week": "2", "needs-emdr": "on"},
    )
    assert saved.status_code == 302
    assert [
        (w.weekday, w.starts_at, w.ends_at) for w in episode.availability.order_by("starts_at")
    ] == [
        (2, dt.time(9), dt.time(12)),
        (2, dt.time(13), dt.time(16)),
    ]
    assert episode.scheduling_needs.individual_per_week == 2
    refused = client.post(
        urls["patient"], {"hours-day_0": "12-9", "needs-individual_per_week": "1"}
    )
    assert refused.status_code == 400
    staff_saved = client.post(urls["staff"], {"day_4": "08:00-12:00"})
    assert staff_saved.status_code == 302
    assert tiny.therapist.availability.get(program=tiny.program).weekday == 4
    bands = {f"{p}_{m}": "9" for p in ("stabilization", "core", "taper") for m in ("min", "max")}
    assert client.post(urls["inputs"], bands).status_code == 302
    assert tiny.program.hour_bands.count() == 3


def test_a_session_made_by_hand_from_the_form(client, wednesday):
    tiny = tiny_program(patients=2)
    login(client, tiny.director)
    url = _urls(tiny)["session"]
    assert client.get(url).status_code == 200
    data = {
        "kind": "group",
        "date": "2026-03-06",
        "starts_at": "10:00",
        "ends_at": "11:00",
        "clinician": tiny.facilitator.pk,
        "cohort": tiny.cohort.pk,
        "room": tiny.room.pk,
    }
    assert client.post(url, data).status_code == 302
    session = ScheduledSession.objects.get()
    assert session.starts_at == dt.datetime(2026, 3, 6, 16, tzinfo=dt.UTC)  # 10:00 CST
    again = client.post(
        url,
        {**data, "kind": "individual", "cohort": "", "room": "", "episodes": [tiny.episodes[0].pk]},
    )
    assert again.status_code == 400
    assert b"already booked" in again.content


PLAN_PAGE_QUERIES = 20  # session, user, capabilities, plan, names, sessions, audit rows
COHORT_LIST_QUERIES = 16


def _queries(client, url, most: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) <= most, [q["sql"] for q in captured.captured_queries]
    return len(captured)


def test_plan_page_and_cohort_list_cost_the_same_queries_for_more_patients(
    client, wednesday, django_capture_on_commit_callbacks
):
    counts = []
    for size in (2, 5):
        tiny = tiny_program(f"IOP {size}", patients=size)
        login(client, tiny.director)
        plan = _request_plan(client, tiny, django_capture_on_commit_callbacks)
        services.plan_approve(actor=SYSTEM, plan=plan, by=tiny.director)
        counts.append(
            (
                _queries(
                    client,
                    reverse("scheduling:plan", args=[tiny.program.pk, plan.pk]),
                    PLAN_PAGE_QUERIES,
                ),
                _queries(
                    client,
                    reverse("scheduling:cohorts", args=[tiny.program.pk]),
                    COHORT_LIST_QUERIES,
                ),
            )
        )
        client.logout()
    assert counts[0] == counts[1], counts


def test_the_start_page_lists_a_directors_programs(client, wednesday):
    home, other = tiny_program("Home IOP", patients=0), tiny_program("Other IOP", patients=0)
    from openiop.accounts.services import membership_grant

    membership_grant(
        actor=SYSTEM, user=home.director, program=other.program, role=ProgramRole.THERAPIST
    )
    login(client, home.director)
    page = client.get(reverse("scheduling:home"))
    assert page.status_code == 200
    assert b"Home IOP" in page.content
    assert b"Other IOP" in page.content
    # a therapist there: the schedule without the planning tab
    cohorts = client.get(reverse("scheduling:cohorts", args=[other.program.pk]))
    assert b"Planning inputs" not in cohorts.content
    assert (
        b"Planning inputs"
        in client.get(reverse("scheduling:cohorts", args=[home.program.pk])).content
    )
