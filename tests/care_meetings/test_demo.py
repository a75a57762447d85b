"""The demo's meetings, on a seeded demo (seed 7 at a Wednesday noon in Chicago): this
week's meeting of every program with a real agenda built from the seeded data, and last
week's closed meeting of Adult IOP whose decisions show in the patients' charts."""

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from openiop.care_meetings.agenda import week_start_of
from openiop.care_meetings.models import AgendaItem, CareMeeting, MeetingDecision, MeetingTask
from openiop.care_meetings.selectors import patient_care_decisions
from openiop.devtools.demo_meetings import MeetingsSummary, summarize
from openiop.measures.models import SafetyAlert
from openiop.programs.models import Program
from tests.devtools.seeding import WEDNESDAY, WEDNESDAY_DATE, seed

pytestmark = [pytest.mark.django_db]

MONDAY = week_start_of(WEDNESDAY_DATE)


@pytest.fixture(scope="module")
def seeded(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[MeetingsSummary]:
    """Seed 7 once for the module (the seed builds the meetings last), rolled back at the
    end."""
    base = tmp_path_factory.mktemp("seeded-meetings")
    with (
        django_db_blocker.unblock(),
        time_machine.travel(WEDNESDAY, tick=False),
        override_settings(BASE_DIR=base),
        transaction.atomic(),
    ):
        seed("--seed", "7")
        programs = {p.name: p for p in Program.objects.order_by("pk")}
        yield summarize(programs)
        transaction.set_rollback(True)


def test_every_program_has_this_week_s_meeting_with_a_real_agenda(seeded):
    this_week = CareMeeting.objects.filter(week_start=MONDAY)
    assert this_week.count() == Program.objects.count()
    assert all(m.closed_at is None for m in this_week)
    main = this_week.get(program__name="Adult IOP")
    items = list(main.items.order_by("position"))
    assert len(items) == seeded.patients_this_week >= 3
    # the seeded open safety alert leads its program's agenda
    alert = SafetyAlert.objects.select_related("episode").get(acknowledged_at__isnull=True)
    alerted = (
        AgendaItem.objects.filter(meeting__week_start=MONDAY, episode=alert.episode)
        .select_related("meeting")
        .get()
    )
    assert alerted.position == 1
    relapse = alerted.reasons[0]
    assert relapse["code"] == "functional_relapse"
    assert {c["code"] for c in relapse["components"] if c["fired"]} >= {"open_safety_alert"}
    codes = {r["code"] for item in AgendaItem.objects.all() for r in item.reasons}
    assert {"functional_relapse", "new_admission"} <= codes


def test_last_week_s_meeting_is_closed_with_decisions_and_tasks_in_the_charts(seeded):
    last = CareMeeting.objects.get(week_start=MONDAY - dt.timedelta(days=7))
    assert last.closed_at is not None
    recorded = last.items.exclude(discussion="")
    assert recorded.count() == 4
    assert all(i.discussed_at is not None for i in recorded)
    assert MeetingDecision.objects.count() == seeded.decisions == 4
    assert MeetingTask.objects.count() == seeded.tasks == 8
    assert MeetingTask.objects.filter(done_at__isnull=False).count() == 1
    item = recorded.select_related("episode__patient", "meeting__created_by").first()
    assert item is not None
    entries = patient_care_decisions(item.meeting.created_by, item.episode.patient)
    assert {e.kind for e in entries} == {"decision", "task"}
    assert seeded.highlight()[0] == "Weekly care-team meeting"
