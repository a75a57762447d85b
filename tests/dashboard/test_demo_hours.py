"""The demo's payer minimum and covered stays, seeded through the services on a small
world."""

from __future__ import annotations

import pytest
import time_machine

from openiop.audit.models import AuditEvent
from openiop.billing.hours import MinimumSource, covering_authorizations, minimum_for, minimums_for
from openiop.billing.models import Authorization, PayerHoursMinimum
from openiop.devtools.demo_admissions import PAYERS
from openiop.devtools.demo_hours import DEMO_MINIMUM, seed_covered_stays, seed_payer_minimums
from openiop.devtools.layout import ADULT_IOP
from openiop.patients.models import EpisodeOfCare
from tests import factories
from tests.daily import NOON, TODAY, ordinary_day
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def test_the_demo_payer_gets_its_own_minimum_in_the_adult_iop():
    ps = factories.program_setup("Adult IOP (demo)")
    row = seed_payer_minimums(SYSTEM, {ADULT_IOP: ps.program})
    assert list(PayerHoursMinimum.objects.all()) == [row]
    assert (row.payer_name, row.min_weekly_hours) == (PAYERS[0], DEMO_MINIMUM)
    assert AuditEvent.objects.filter(action="PAYER_MINIMUM_SET").count() == 1
    episode = EpisodeOfCare.objects.select_related("program").get(
        patient=factories.patient(ps.program)
    )
    found = minimum_for(episode, PAYERS[0].upper(), [row])
    assert (found.hours, found.source) == (DEMO_MINIMUM, MinimumSource.PAYER)


def test_covered_stays_show_a_payer_minimum_and_one_approval_ending_within_a_week():
    with time_machine.travel(NOON, tick=False):
        day = ordinary_day(patients=4)
        programs = {ADULT_IOP: day.program}
        seed_payer_minimums(SYSTEM, programs)
        approvals = seed_covered_stays(SYSTEM, programs)
        episodes = list(EpisodeOfCare.objects.filter(program=day.program).select_related("program"))
        minimums = minimums_for(episodes)
        covering = covering_authorizations(episodes, {day.program.pk: TODAY})
    assert len(approvals) == Authorization.objects.count() == 3
    first, second, third, fourth = sorted(episodes, key=lambda e: e.pk)
    assert [minimums[e.pk].hours for e in (first, second, third, fourth)] == [
        DEMO_MINIMUM,
        DEMO_MINIMUM,
        day.program.min_weekly_hours,
        day.program.min_weekly_hours,
    ]
    assert covering[first.pk].status.needs_attention
    assert not covering[second.pk].status.needs_attention
    assert fourth.pk not in covering
