"""The demo's medications step on a small world: an ordinary day's mental-health program and
a Part 2 program, seeded through the services."""

from __future__ import annotations

import pytest

from openiop.audit.models import AuditEvent
from openiop.devtools.demo_medications import build_medications
from openiop.medications.models import ChangeKind, DrugScreen, Medication, MedicationChange
from openiop.medications.selectors import active_watches_for
from openiop.patients import services as patient_services
from tests.daily import TODAY, Day
from tests.factories import SYSTEM, patient
from tests.medications.scenarios import ADMITTED, DAY, substance_use

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_lists_watched_changes_a_stop_and_screens(day: Day):
    # given a Part 2 program with five admitted patients (no care team: the step falls back
    # to the program's prescriber and screen recorders)
    s = substance_use()
    for _ in range(4):
        person = patient(s.program, referred_on=ADMITTED - 7 * DAY)
        patient_services.episode_admit(
            actor=SYSTEM, episode=person.episodes.get(), track=s.program.tracks.get(), on=ADMITTED
        )
    # when the demo step runs
    summary = build_medications(SYSTEM, {"adult_iop": day.program, "sud_iop": s.program})
    # then most patients take something: all four of the ordinary day, four of the five
    # in the Part 2 program (every fifth has no medication there)
    with_medications = set(Medication.objects.values_list("episode_id", flat=True))
    assert len(with_medications) == 8
    assert summary.medications == Medication.objects.count() == 10
    # two dose changes a few days ago that the group's facilitator is watching
    changed = MedicationChange.objects.filter(kind=ChangeKind.CHANGED).order_by("effective_on")
    assert [c.effective_on for c in changed] == [TODAY - 4 * DAY, TODAY - 2 * DAY]
    watched = {w.change for w in active_watches_for(day.tiny.facilitator, TODAY)}
    assert set(changed) <= watched
    # one stopped medication
    stopped = Medication.objects.get(stopped_on__isnull=False)
    assert (stopped.drug, stopped.stopped_on) == ("Trazodone", TODAY - 10 * DAY)
    # weekly screens in the Part 2 program only: one unexpected positive, expected positives
    # for buprenorphine
    screens = DrugScreen.objects.all()
    assert {sc.episode.program_id for sc in screens} == {s.program.pk}
    assert screens.count() == summary.screens == 5 * 4
    assert summary.positive_screens == screens.filter(positive=True).count() == 1
    expected = [
        sc for sc in screens if {"substance": "Buprenorphine", "result": "expected"} in sc.results
    ]
    assert len(expected) == 2 * 4  # two of the five take buprenorphine
    assert AuditEvent.objects.filter(action="DRUG_SCREEN_RECORDED", part2=True).count() == 20
