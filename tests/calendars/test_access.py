"""Fetch-and-authorize for calendars: whose program week and whose clinician week a user may
open, with one NotFound for missing and not yours."""

from __future__ import annotations

import pytest

from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_grant, membership_revoke
from openiop.audit.models import AuditEvent
from openiop.calendars.access import clinician_week_access, program_week_access
from openiop.core.errors import NotFound
from tests import factories
from tests.calendars.scenarios import Scenario
from tests.calendars.scenarios import scenario as make_scenario
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> Scenario:
    return make_scenario()


def test_the_program_week_defaults_to_the_users_first_program_by_name(s):
    earlier = factories.program_setup("Adolescent IOP")
    membership_grant(
        actor=SYSTEM, user=s.therapist, program=earlier.program, role=ProgramRole.THERAPIST
    )
    assert program_week_access(s.therapist, None) == earlier.program
    assert program_week_access(s.therapist, s.ps.program.pk) == s.ps.program


@pytest.mark.parametrize("offset", [0, 1000])
def test_another_or_a_missing_program_is_not_found(s, offset):
    other = factories.program_setup("Other IOP")
    with pytest.raises(NotFound):
        program_week_access(s.therapist, other.program.pk + offset)


def test_someone_without_a_membership_has_no_program_week(s):
    with pytest.raises(NotFound):
        program_week_access(factories.staff(), None)


def test_ones_own_week_covers_the_programs_one_works_in(s):
    scope = clinician_week_access(s.therapist, None, actor=SYSTEM)
    assert (scope.clinician, scope.program_ids, scope.is_self) == (
        s.therapist,
        frozenset({s.ps.program.pk}),
        True,
    )
    assert scope.zone == s.zone
    assert clinician_week_access(s.therapist, s.therapist.pk, actor=SYSTEM).is_self


def test_a_director_sees_a_clinician_only_in_the_programs_they_share(s):
    other = factories.program_setup("Other IOP")
    membership_grant(
        actor=SYSTEM, user=s.therapist, program=other.program, role=ProgramRole.THERAPIST
    )
    scope = clinician_week_access(s.director, s.therapist.pk, actor=SYSTEM)
    assert (scope.clinician, scope.program_ids, scope.is_self) == (
        s.therapist,
        frozenset({s.ps.program.pk}),
        False,
    )


@pytest.mark.parametrize("who", ["therapist", "outside_director", "former_member", "missing"])
def test_a_clinician_week_is_refused_with_one_not_found(s, who):
    viewer, clinician_id = s.director, s.therapist.pk
    if who == "therapist":
        viewer, clinician_id = s.therapist, s.facilitator.pk
    elif who == "outside_director":
        viewer = make_scenario("Other IOP").director
    elif who == "former_member":
        membership_revoke(actor=SYSTEM, membership=s.therapist.memberships.get())
    else:
        clinician_id = s.therapist.pk + 1000
    with pytest.raises(NotFound):
        clinician_week_access(viewer, clinician_id, actor=SYSTEM)
    denied = AuditEvent.objects.get(action="CLINICIAN_SCHEDULE_VIEWED")
    assert denied.outcome == "denied"
    assert denied.detail == {"requested_clinician_id": str(clinician_id)}
