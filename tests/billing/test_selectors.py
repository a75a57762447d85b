"""Service days in the program's zone, authorizations with their derived state, and the
alert list across a user's programs (with a fixed number of queries)."""

import datetime as dt

import pytest
import time_machine

from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_grant
from openiop.billing import services
from openiop.billing.authorizations import AuthState
from openiop.billing.selectors import authorization_alerts, episode_billing
from openiop.billing.service_days import service_dates_by_episode
from openiop.core.capabilities import Capability
from openiop.patients import services as patient_services
from openiop.patients.models import DischargeReason
from openiop.scheduling import services as scheduling_services
from tests import factories
from tests.billing.scenarios import (
    ADMITTED,
    DAY,
    add_coverage,
    approved,
    at,
    attended,
    scenario,
    sessions_on,
    weekdays,
)
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db


def test_an_evening_session_counts_on_its_local_date_not_the_utc_one():
    s = scenario()
    with at(ADMITTED):
        evening = sessions_on(s, [ADMITTED], hour=19)[0]  # 19:00 CST is 01:00 UTC next day
    attended(s, [evening])
    assert evening.starts_at.date() == ADMITTED + DAY
    found = service_dates_by_episode([s.episode], start=ADMITTED, end=ADMITTED)
    assert found == {s.episode.pk: [ADMITTED]}


def test_service_days_are_distinct_and_skip_cancelled_sessions_and_other_episodes():
    s = scenario()
    with at(ADMITTED):
        other = factories.patient(s.ps.program)
        other_episode = other.episodes.get()
        patient_services.episode_admit(actor=SYSTEM, episode=other_episode, track=s.ps.track)
        morning, evening, cancelled = (
            *sessions_on(s, [ADMITTED], hour=9),
            *sessions_on(s, [ADMITTED], hour=15),
            *sessions_on(s, [ADMITTED + DAY], hour=9),
        )
        scheduling_services.session_cancel(actor=SYSTEM, session=cancelled)
    attended(s, [morning])
    found = service_dates_by_episode(
        [s.episode, other_episode], start=ADMITTED - DAY, end=ADMITTED + 5 * DAY
    )
    assert found == {s.episode.pk: [ADMITTED], other_episode.pk: []}
    assert morning.pk != evening.pk


def test_units_used_are_service_days_up_to_today_and_later_ones_are_scheduled():
    s = scenario()
    days = weekdays(ADMITTED, 10)
    with at(ADMITTED):
        coverage = add_coverage(s)
        approved(s, coverage, units=12, ends=ADMITTED + 27 * DAY)
        made = sessions_on(s, days)
    attended(s, made[:3])  # days[3] is today: planned, it counts without a record yet
    with at(days[3]):
        (row,) = episode_billing(s.episode).authorizations
    assert (row.status.units_used, row.status.units_scheduled, row.status.units_remaining) == (
        4,
        6,
        8,
    )
    assert row.status.state is AuthState.ACTIVE


def test_expiry_follows_the_programs_date_not_the_utc_date():
    s = scenario()
    end = dt.date(2026, 3, 20)
    with at(ADMITTED):
        approved(s, add_coverage(s), units=5, ends=end)
    # 02:00 UTC on the 21st is still the evening of the 20th in Chicago
    evening = dt.datetime(2026, 3, 21, 2, tzinfo=dt.UTC)
    with time_machine.travel(evening, tick=False):
        (row,) = episode_billing(s.episode).authorizations
    assert row.status.state is AuthState.EXPIRING
    with at(end + DAY):
        (row,) = episode_billing(s.episode).authorizations
    assert row.status.state is AuthState.EXPIRED


def _alert_world():
    """An authorization whose review is due in 3 days, and a pending request to extend it."""
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        expiring = approved(s, coverage, units=20, review=ADMITTED + 3 * DAY)
        services.authorization_request(
            actor=SYSTEM,
            episode=s.episode,
            coverage=coverage,
            requested_by=s.billing,
            level="iop",
            span=services.Span(10, ADMITTED + 28 * DAY, ADMITTED + 41 * DAY),
        )
    return s, expiring


def test_the_alert_list_shows_what_needs_attention_with_its_reason():
    s, expiring = _alert_world()
    other = scenario()
    with at(ADMITTED):
        approved(other, add_coverage(other), review=ADMITTED + 2 * DAY)  # not this user's program
        alerts = authorization_alerts(s.billing)
    assert [a.authorization.pk for a in alerts] == [expiring.pk]
    (alert,) = alerts
    assert [r.code for r in alert.status.reasons] == ["review_due"]
    assert alert.extension_pending is True
    assert alert.today == ADMITTED


def test_active_pending_denied_expired_superseded_and_discharged_ones_are_not_alerts():
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        approved(s, coverage, units=20, ends=ADMITTED + 20 * DAY)
        assert authorization_alerts(s.billing) == []  # active: nothing due within 7 days
        approved(s, coverage, units=3, starts=ADMITTED, ends=ADMITTED + 5 * DAY)
        later = approved(s, coverage, units=10, starts=ADMITTED + 6 * DAY, ends=ADMITTED + 30 * DAY)
        denied = services.authorization_request(
            actor=SYSTEM,
            episode=s.episode,
            coverage=coverage,
            requested_by=s.billing,
            level="php",
            span=services.Span(5, ADMITTED, ADMITTED + 6 * DAY),
        )
        services.authorization_deny(actor=SYSTEM, authorization=denied, reason="No")
        # the 3-unit approval ends in 5 days, but a later approval carries on
        assert authorization_alerts(s.billing) == []
    with at(ADMITTED + 40 * DAY):
        assert authorization_alerts(s.billing) == []  # all expired
    with at(ADMITTED + 25 * DAY):
        # the others have ended; the later approval ends in 5 days
        assert [a.authorization.pk for a in authorization_alerts(s.billing)] == [later.pk]
        patient_services.episode_discharge(
            actor=SYSTEM, episode=s.episode, reason=DischargeReason.GOALS_MET
        )
        assert authorization_alerts(s.billing) == []


def test_exhausted_units_are_an_alert():
    s = scenario()
    with at(ADMITTED):
        approved(s, add_coverage(s), units=3, ends=ADMITTED + 27 * DAY)
        made = sessions_on(s, weekdays(ADMITTED, 3))
    attended(s, made)
    with at(ADMITTED + 3 * DAY):
        (alert,) = authorization_alerts(s.billing)
    assert alert.status.state is AuthState.EXHAUSTED


def test_a_user_without_a_program_sees_no_alerts():
    s, _ = _alert_world()
    with at(ADMITTED):
        assert authorization_alerts(factories.staff()) == []
        assert authorization_alerts(s.facilitator) != []  # every program role views patients
        assert authorization_alerts(s.facilitator, capability=Capability.MANAGE_INSURANCE) == []


def test_the_alert_list_runs_a_fixed_number_of_queries(django_assert_num_queries):
    s = scenario()
    with at(ADMITTED):
        coverage = add_coverage(s)
        approved(s, coverage, review=ADMITTED + 2 * DAY)
        sessions_on(s, weekdays(ADMITTED, 3))
        user = factories.staff(ProgramRole.BILLING_SPECIALIST, s.ps.program)
        with django_assert_num_queries(3):
            assert len(authorization_alerts(user)) == 1
        for _ in range(4):
            other = scenario()
            approved(other, add_coverage(other), review=ADMITTED + 2 * DAY)
            sessions_on(other, weekdays(ADMITTED, 2))
            membership_grant(
                actor=SYSTEM,
                user=user,
                program=other.ps.program,
                role=ProgramRole.BILLING_SPECIALIST,
            )
        user = type(user).objects.get(pk=user.pk)  # drop the per-request capability cache
        with django_assert_num_queries(3):
            assert len(authorization_alerts(user)) == 5
