"""Fetch-and-authorize for billing records: a record under another parent, a missing one and a
malformed id are the same NotFound, audited as a denied attempt that names no patient."""

from dataclasses import dataclass

import pytest

from openiop.audit.models import AuditEvent
from openiop.billing import access, services
from openiop.billing.models import Authorization, Coverage, PaymentPlan
from openiop.core.errors import NotFound
from tests.billing.scenarios import ADMITTED, D, Scenario, add_coverage, approved, at, scenario
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db

BAD_IDS = [0, -1, 2**63, 10**9]


def _plan(s):
    return services.payment_plan_create(
        actor=SYSTEM,
        episode=s.episode,
        created_by=s.billing,
        terms=services.PlanTerms(D("90"), 3, "month", ADMITTED),
    )


@dataclass
class Records:
    s: Scenario
    coverage: Coverage
    authorization: Authorization
    plan: PaymentPlan

    def __getattr__(self, name):  # the scenario's fields, for brevity
        return getattr(self.s, name)


def _records() -> Records:
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        return Records(s, coverage, approved(s, coverage), _plan(s))


@pytest.fixture
def two():
    """Two patients in two programs, each with a coverage, an approval and a plan."""
    return _records(), _records()


def _assert_denied(action, count=1):
    denied = AuditEvent.objects.filter(action=action, outcome="denied")
    assert denied.count() == count
    assert not denied.exclude(patient_id=None).exists()


def test_a_coverage_of_another_patient_or_a_bad_id_is_not_found(two):
    mine, theirs = two
    assert (
        access.coverage_of(mine.episode, mine.coverage.pk, actor=SYSTEM, action="X")
        == mine.coverage
    )
    for pk in [theirs.coverage.pk, *BAD_IDS]:
        with pytest.raises(NotFound):
            access.coverage_of(mine.episode, pk, actor=SYSTEM, action="COVERAGE_ENDED")
    _assert_denied("COVERAGE_ENDED", 1 + len(BAD_IDS))


def test_an_authorization_of_another_episode_is_not_found(two):
    mine, theirs = two
    found = access.authorization_of(mine.episode, mine.authorization.pk, actor=SYSTEM, action="X")
    assert found == mine.authorization
    with pytest.raises(NotFound):
        access.authorization_of(
            mine.episode, theirs.authorization.pk, actor=SYSTEM, action="AUTHORIZATION_DENIED"
        )
    _assert_denied("AUTHORIZATION_DENIED")


def test_a_plan_or_installment_under_the_wrong_parent_is_not_found(two):
    mine, theirs = two
    assert access.payment_plan_of(mine.episode, mine.plan.pk, actor=SYSTEM, action="X") == mine.plan
    with pytest.raises(NotFound):
        access.payment_plan_of(
            mine.episode, theirs.plan.pk, actor=SYSTEM, action="PAYMENT_PLAN_CANCELLED"
        )
    their_item = theirs.plan.installments.get(number=1)
    with pytest.raises(NotFound):
        access.installment_of(mine.plan, their_item.pk, actor=SYSTEM, action="INSTALLMENT_PAID")
    _assert_denied("PAYMENT_PLAN_CANCELLED")
    _assert_denied("INSTALLMENT_PAID")


def test_reading_an_episode_needs_a_role_in_its_program_and_is_audited(two):
    mine, theirs = two
    episode = access.episode_read(
        mine.billing,
        mine.patient.pk,
        mine.episode.pk,
        actor=SYSTEM,
        action="PATIENT_ESTIMATE_VIEWED",
    )
    assert episode == mine.episode
    success = AuditEvent.objects.get(action="PATIENT_ESTIMATE_VIEWED", outcome="success")
    assert (success.patient_id, success.category) == (mine.patient.pk, "insurance")
    with pytest.raises(NotFound):
        access.episode_read(
            theirs.billing,
            mine.patient.pk,
            mine.episode.pk,
            actor=SYSTEM,
            action="PATIENT_ESTIMATE_VIEWED",
        )
    with pytest.raises(NotFound):  # an episode under another patient
        access.episode_read(
            mine.billing,
            theirs.patient.pk,
            mine.episode.pk,
            actor=SYSTEM,
            action="PATIENT_ESTIMATE_VIEWED",
        )
    _assert_denied("PATIENT_ESTIMATE_VIEWED", 2)


def test_fee_settings_need_manage_fees_in_that_program(two):
    mine, theirs = two
    program = mine.ps.program
    assert access.program_for_fees(mine.billing, program.pk, actor=SYSTEM, action="X") == program
    for user in (theirs.billing, mine.facilitator, mine.therapist):
        with pytest.raises(NotFound):
            access.program_for_fees(user, program.pk, actor=SYSTEM, action="FEE_SETTINGS_VIEWED")
    _assert_denied("FEE_SETTINGS_VIEWED", 3)


def test_what_a_user_may_do_on_an_episode(two):
    mine, theirs = two
    assert access.can_manage(mine.billing, mine.episode) == {"insurance": True, "fees": True}
    assert access.can_manage(mine.facilitator, mine.episode) == {"insurance": False, "fees": False}
    assert access.can_manage(theirs.billing, mine.episode) == {"insurance": False, "fees": False}
