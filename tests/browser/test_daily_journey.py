"""Daily operations in a real browser (issue 6, item 11): a facilitator checks a group in
at the roster and writes one group note that lands in each attendee's chart; a director runs
the weekly care-team meeting from its automatic agenda to a decision in the patient's chart.
(The therapist's addendum is the second half of tests/clinical_notes/test_browser_journey.py.)
"""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from openiop.patients.services import episode_admit
from tests.browser.test_journeys import _sign_in
from tests.daily import NOON, local, ordinary_day
from tests.factories import PASSWORD, SYSTEM, patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_checks_in_the_group_and_signs_one_note_for_every_attendee(
    page: Page, live_server
):
    with time_machine.travel(local(14, 40), tick=True):
        # given today's group of four, just over
        day = ordinary_day()
        base = live_server.url
        came, absent = day.episodes[:3], day.episodes[3]
        _sign_in(page, base, day.tiny.facilitator.username)

        # when the facilitator taps each row of the roster
        page.goto(f"{base}/attendance/sessions/{day.group.pk}/")
        for episode in came:
            row = page.locator(f"#row-{episode.pk}")
            row.get_by_role("button", name="Present", exact=False).first.click()
            expect(row).to_contain_text("90 min")
        absent_row = page.locator(f"#row-{absent.pk}")
        absent_row.get_by_role("button", name=re.compile("Absent \\(unexcused\\)")).click()
        expect(absent_row).to_contain_text("Absent (unexcused)")

        # and writes the group note once, with a section per attendee
        page.goto(f"{base}/notes/sessions/{day.group.pk}/group/")
        page.get_by_role("button", name="Start the note").click()
        expect(page.get_by_role("heading", name="Each attendee (3)")).to_be_visible()
        page.get_by_label("Topic").fill("Opposite action")
        page.get_by_label("Group narrative").fill("Members rehearsed opposite action in pairs.")
        for episode in came:
            card = page.locator(f"#entry-{episode.pk}")
            card.get_by_label("Participation").fill(f"Took part fully (#{episode.pk}).")
            card.get_by_label("Response to the intervention").fill(
                f"Named a trigger ({episode.pk})."
            )
            card.get_by_label("Plan").fill(f"Practise daily, review next group ({episode.pk}).")
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Save and sign").click()
        expect(page.get_by_text("Note signed.")).to_be_visible()

        # then each attendee's chart holds the narrative and their own section only
        for episode in came:
            page.goto(f"{base}/patients/{episode.patient_id}/notes/")
            expect(page.get_by_text("Members rehearsed opposite action in pairs.")).to_be_visible()
            expect(page.get_by_text(f"Took part fully (#{episode.pk}).")).to_be_visible()
            expect(page.get_by_text(re.compile(r"Took part fully \(#"))).to_have_count(1)
        page.goto(f"{base}/patients/{absent.patient_id}/notes/")
        expect(page.get_by_text("Members rehearsed opposite action in pairs.")).to_have_count(0)


def test_a_director_runs_the_weekly_meeting_to_a_decision_in_the_chart(page: Page, live_server):
    with time_machine.travel(NOON, tick=True):
        # given a program whose newest patient was admitted this Monday
        day = ordinary_day()
        newcomer = patient(
            day.program,
            legal_given_name="Odile",
            legal_family_name="Brennan",
            referred_on=dt.date(2026, 2, 20),
        )
        episode_admit(
            actor=SYSTEM,
            episode=newcomer.episodes.get(),
            track=day.tiny.track,
            on=dt.date(2026, 3, 2),
        )
        base = live_server.url
        _sign_in(page, base, day.tiny.director.username)

        # when the director opens this week's meeting
        page.goto(f"{base}/meetings/")
        page.get_by_role("button", name="Open this week's meeting").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("care-team meeting")
        item = page.get_by_role("article", name=re.compile("Odile Brennan"))
        expect(item).to_contain_text("New admission")

        # and records the discussion, a decision and a task, and marks the patient discussed
        item.get_by_label(re.compile("^Discussion")).fill("Settling in; sleep is poor.")
        item.get_by_role("button", name="Save discussion").click()
        item = page.get_by_role("article", name=re.compile("Odile Brennan"))
        item.get_by_text("Record a decision…").click()
        item.get_by_label("Decision").fill("Ask psychiatry to review sleep this week.")
        item.get_by_role("button", name="Record decision").click()
        item = page.get_by_role("article", name=re.compile("Odile Brennan"))
        item.get_by_text("Give a task…").click()
        item.get_by_label("Task").fill("Book a psychiatry visit")
        item.get_by_label("Owner").select_option(label=day.tiny.therapist.display_name)
        item.get_by_role("button", name="Give task").click()
        item = page.get_by_role("article", name=re.compile("Odile Brennan"))
        item.get_by_role("button", name=re.compile("as discussed")).click()

        # then the decision is in the patient's chart and on the printed agenda
        page.goto(f"{base}/patients/{newcomer.pk}/care-team/")
        expect(page.get_by_text("Ask psychiatry to review sleep this week.")).to_be_visible()
        expect(page.get_by_text("Book a psychiatry visit")).to_be_visible()
