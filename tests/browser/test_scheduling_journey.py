"""A program director plans next week: Plan next week → the planner's progress in the page
→ the proposed week as a diff → Approve → the sessions on the calendar.

The solve runs where it runs in production: the plan is enqueued on the database task
backend, and django-tasks-db's worker (started here in the test's thread, as `make demo` runs
it beside gunicorn) picks it up while the page polls."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import Page, expect

from openiop.scheduling import runner
from openiop.scheduling.models import PlanState, ScheduledSession, SchedulePlan
from tests.browser.test_journeys import _sign_in
from tests.scheduling.builders import tiny_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Wednesday noon in Chicago; the clock ticks so the page's polling and session timers run.
WEDNESDAY = dt.datetime(2026, 3, 4, 18, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _database_tasks(settings, monkeypatch):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    monkeypatch.setattr(runner, "WORKERS", 2)


def test_director_plans_next_week_watches_it_and_approves_it(page: Page, live_server):
    with time_machine.travel(WEDNESDAY, tick=True):
        tiny = tiny_program("Adult IOP", patients=3)
        _sign_in(page, live_server.url, tiny.director.username)
        page.goto(f"{live_server.url}/schedule/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Adult IOP: schedule")

        page.get_by_role("button", name="Plan next week").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Plan for the week of Mar 9")
        expect(page.get_by_role("status")).to_contain_text("Waiting for the planner to start")

        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
        plan = SchedulePlan.objects.get()
        assert plan.state == PlanState.PROPOSED
        assert plan.progress_elapsed is not None

        # the page notices by itself (htmx polling) and shows the proposal
        approve = page.get_by_role("button", name="Approve and put on the calendar")
        expect(approve).to_be_visible(timeout=15_000)
        expect(page.get_by_role("heading", name="Proposed week")).to_be_visible()
        patient_name = tiny.episodes[0].patient.display_name
        expect(page.get_by_text("New to the schedule: ").first).to_contain_text(patient_name)
        expect(
            page.get_by_role("heading", name="How the planner weighed this week")
        ).to_be_visible()

        approve.click()
        expect(
            page.get_by_text("Approved: the week's sessions are on the calendar.")
        ).to_be_visible()
        sessions = page.get_by_role("table").filter(has_text="Times in America/Chicago")
        expect(sessions).to_contain_text("Mon Mar 9 18:00")
        expect(sessions).to_contain_text("Group therapy")
        expect(sessions).to_contain_text("Individual therapy")
        assert ScheduledSession.objects.filter(plan=plan, cancelled_at__isnull=True).exists()
