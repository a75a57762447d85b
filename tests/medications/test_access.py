"""Fetch-and-authorize: a record under the wrong parent, someone else's watch and another
program's screens are the same audited NotFound as a missing record."""

from __future__ import annotations

import pytest

from openiop.accounts.services import membership_revoke
from openiop.audit.models import AuditEvent
from openiop.core.errors import NotFound
from openiop.medications.access import (
    can_manage,
    drug_screens_read,
    medication_of,
    visible_episodes,
    watch_access,
    watches_read,
)
from openiop.medications.models import MedicationWatch
from tests.daily import TODAY, Day
from tests.factories import SYSTEM
from tests.medications.scenarios import screen, start, substance_use

pytestmark = pytest.mark.django_db


def _denied(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action, outcome="denied").get()


def test_a_medication_of_another_episode_is_not_found_and_the_attempt_audited(day: Day):
    medication = start(day, day.episodes[1])
    assert medication_of(day.episodes[1], medication.pk, actor=SYSTEM, action="X") == medication
    for wrong in (medication.pk, 0, 2**63):
        with pytest.raises(NotFound):
            medication_of(day.episodes[0], wrong, actor=SYSTEM, action="MEDICATION_CHANGED")
    events = AuditEvent.objects.filter(action="MEDICATION_CHANGED", outcome="denied")
    assert events.count() == 3
    assert events.first().patient_id is None  # type: ignore[union-attr]


def test_a_watch_is_reachable_only_by_its_facilitator_while_in_the_program(day: Day):
    start(day)
    watch = MedicationWatch.objects.get()
    found = watch_access(day.tiny.facilitator, watch.pk, actor=SYSTEM, action="SEEN")
    assert found == watch
    with pytest.raises(NotFound):
        watch_access(day.tiny.therapist, watch.pk, actor=SYSTEM, action="MEDICATION_WATCH_SEEN")
    assert _denied("MEDICATION_WATCH_SEEN").detail == {
        "requested_medicationwatch_id": str(watch.pk)
    }
    membership_revoke(actor=SYSTEM, membership=day.tiny.facilitator.memberships.get())
    user = type(day.tiny.facilitator).objects.get(pk=day.tiny.facilitator.pk)
    with pytest.raises(NotFound):
        watch_access(user, watch.pk, actor=SYSTEM, action="SEEN")


def test_reading_screens_is_audited_as_part2_and_refused_to_other_programs(day: Day):
    s = substance_use()
    screen(s)
    # a reader in the Part 2 program
    screens = drug_screens_read(s.facilitator, s.episode, actor=SYSTEM)
    assert len(screens) == 1
    event = AuditEvent.objects.get(action="DRUG_SCREENS_VIEWED", outcome="success")
    assert (event.part2, event.category, event.patient_id) == (
        True,
        "drug_screen",
        s.episode.patient_id,
    )
    # another program's clinician
    with pytest.raises(NotFound):
        drug_screens_read(day.tiny.prescriber, s.episode, actor=SYSTEM)
    assert _denied("DRUG_SCREENS_VIEWED").patient_id is None
    # a program without screens: nothing to read, nothing recorded
    assert drug_screens_read(day.tiny.prescriber, day.episodes[0], actor=SYSTEM) == []
    assert AuditEvent.objects.filter(action="DRUG_SCREENS_VIEWED").count() == 2


def test_who_may_manage_what(day: Day):
    s = substance_use()
    assert can_manage(day.tiny.prescriber, day.episodes[0]) == {
        "medications": True,
        "screens": False,
    }
    assert can_manage(day.tiny.facilitator, day.episodes[0]) == {
        "medications": False,
        "screens": False,
    }
    assert can_manage(s.prescriber, s.episode) == {"medications": True, "screens": True}
    assert can_manage(s.therapist, s.episode) == {"medications": False, "screens": True}
    assert can_manage(day.tiny.prescriber, s.episode) == {"medications": False, "screens": False}


def test_only_episodes_in_the_users_programs_are_visible(day: Day):
    s = substance_use()
    both = [day.episodes[0], s.episode]
    assert visible_episodes(day.tiny.prescriber, both) == [day.episodes[0]]
    assert visible_episodes(s.therapist, both) == [s.episode]


def test_reading_ones_watches_audits_each_patient_once(day: Day):
    start(day, day.episodes[0])
    start(day, day.episodes[0], drug="Bupropion")
    start(day, day.episodes[1])
    watches = watches_read(day.tiny.facilitator, TODAY, actor=SYSTEM)
    assert len(watches) == 3
    events = AuditEvent.objects.filter(action="MEDICATION_WATCHES_VIEWED")
    assert {e.patient_id for e in events} == {
        day.episodes[0].patient_id,
        day.episodes[1].patient_id,
    }
    assert events.count() == 2
    assert watches_read(day.tiny.therapist, TODAY, actor=SYSTEM) == []
