"""In a real browser: a facilitator writes and signs one group note for a checked-in group,
and it appears in each attendee's chart with only their own section; a therapist adds an
addendum (issue 6, item 11)."""

import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import _sign_in
from tests.clinical_notes.builders import AFTER_GROUP, checked_in, texts
from tests.daily import ordinary_day
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_facilitator_signs_one_group_note_and_a_therapist_adds_an_addendum(
    page: Page, live_server
):
    with time_machine.travel(AFTER_GROUP, tick=True):
        # given a group checked in, one member absent
        day = ordinary_day()
        checked_in(day, {3: "absent_unexcused"})
        attendees, absent = day.episodes[:3], day.episodes[3]
        base = live_server.url

        # when the facilitator writes the note once
        _sign_in(page, base, day.tiny.facilitator.username)
        page.goto(f"{base}/notes/sessions/{day.group.pk}/group/")
        page.get_by_role("button", name="Start the note").click()
        expect(page.get_by_role("heading", name="Each attendee (3)")).to_be_visible()
        expect(page.get_by_text(absent.patient.display_name)).to_have_count(0)
        page.get_by_label("Topic").fill("Distress tolerance")
        page.get_by_label("Group narrative").fill("TIPP skills practised in pairs.")
        for episode in attendees:
            card = page.locator(f"#entry-{episode.pk}")
            for label, text in zip(
                ("Participation", "Response to the intervention", "Plan"),
                texts(episode.pk).values(),
                strict=True,
            ):
                card.get_by_label(label).fill(text)
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Save and sign").click()
        expect(page.get_by_text("Note signed.")).to_be_visible()
        note_url = page.url

        # then each attendee's chart holds the narrative and only their own section
        for episode in attendees:
            page.goto(f"{base}/patients/{episode.patient_id}/notes/")
            expect(page.get_by_text("TIPP skills practised in pairs.")).to_be_visible()
            expect(page.get_by_text(texts(episode.pk)["participation"])).to_be_visible()
            for other in day.episodes:
                if other != episode:
                    expect(page.get_by_text(texts(other.pk)["participation"])).to_have_count(0)
        page.goto(f"{base}/patients/{absent.patient_id}/notes/")
        expect(page.get_by_text("No notes yet.")).to_be_visible()
        page.get_by_role("button", name=re.compile("sign out", re.I)).click()

        # and a therapist adds an addendum, signed with their password
        _sign_in(page, base, day.tiny.therapist.username)
        page.goto(note_url)
        page.get_by_text("Add an addendum…").click()
        page.get_by_label("Addendum").fill("Called the patient after group; safe.")
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Sign addendum").click()
        expect(page.get_by_text("Addendum added.")).to_be_visible()
        expect(page.get_by_text("Called the patient after group; safe.")).to_be_visible()
