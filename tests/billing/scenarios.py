"""Building billing scenarios through the real services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import time_machine

from openiop.accounts.models import User
from openiop.accounts.roles import ProgramRole
from openiop.attendance.models import AttendanceStatus
from openiop.attendance.services import attendance_record
from openiop.billing import services
from openiop.billing.benefits import BenefitValues
from openiop.billing.models import Authorization, Coverage, FeeDetermination, SlidingFeeScale
from openiop.billing.scales import default_tiers
from openiop.patients import services as patient_services
from openiop.patients.models import EpisodeOfCare, Patient
from openiop.scheduling import services as scheduling_services
from openiop.scheduling.models import ScheduledSession, SessionKind
from tests import factories
from tests.factories import SYSTEM

D = Decimal
DAY = dt.timedelta(days=1)
# A Monday; the program is in America/Chicago (UTC-6 until 2026-03-08, then UTC-5).
ADMITTED = dt.date(2026, 3, 2)


def at(day: dt.date, hour: int = 18) -> time_machine.travel:
    """Travel to ``hour`` UTC on ``day`` (noon or 1 pm in Chicago)."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC), tick=False
    )


@dataclass
class Scenario:
    ps: factories.ProgramSet
    billing: User
    director: User
    facilitator: User
    therapist: User
    patient: Patient
    episode: EpisodeOfCare


def scenario(*, part2: bool = False, tz: str = "America/Chicago", admit: bool = True) -> Scenario:
    """A program with a billing specialist, a director, a group facilitator, a therapist and
    one patient referred three days before ADMITTED and admitted on it."""
    ps = factories.program_setup(part2=part2, tz=tz)
    billing = factories.staff(ProgramRole.BILLING_SPECIALIST, ps.program)
    director = factories.staff(ProgramRole.PROGRAM_DIRECTOR, ps.program)
    facilitator = factories.staff(ProgramRole.GROUP_FACILITATOR, ps.program)
    therapist = factories.staff(ProgramRole.THERAPIST, ps.program)
    with at(ADMITTED - 3 * DAY):
        patient = factories.patient(ps.program)
    episode = EpisodeOfCare.objects.select_related("program").get(patient=patient)
    if admit:
        with at(ADMITTED):
            patient_services.episode_admit(actor=SYSTEM, episode=episode, track=ps.track)
        episode = EpisodeOfCare.objects.select_related("program", "patient").get(pk=episode.pk)
    return Scenario(ps, billing, director, facilitator, therapist, patient, episode)


BENEFITS = BenefitValues(
    copay_per_day=D("0.00"),
    coinsurance_percent=D("20.00"),
    deductible=D("1000.00"),
    deductible_met=D("250.00"),
    out_of_pocket_max=D("4000.00"),
    out_of_pocket_met=D("250.00"),
    day_limit=None,
    days_used=0,
)


def details(**overrides: object) -> services.PlanDetails:
    fields: dict[str, object] = {
        "order": "primary",
        "payer_name": "Prairie Health",
        "member_id": "PH123456",
        "subscriber_name": "Sam Subscriber",
        "subscriber_relationship": "self",
        "effective_from": dt.date(2026, 1, 1),
        "effective_to": dt.date(2026, 12, 31),
    }
    fields.update(overrides)
    return services.PlanDetails(**fields)  # type: ignore[arg-type]


def add_coverage(
    s: Scenario, *, benefits: BenefitValues = BENEFITS, **overrides: object
) -> Coverage:
    return services.coverage_add(
        actor=SYSTEM, episode=s.episode, details=details(**overrides), benefits=benefits
    )


def approved(
    s: Scenario,
    coverage: Coverage,
    *,
    units: int = 10,
    starts: dt.date = ADMITTED,
    ends: dt.date | None = None,
    review: dt.date | None = None,
) -> Authorization:
    ends = ends or starts + 27 * DAY
    span = services.Span(units, starts, ends)
    auth = services.authorization_request(
        actor=SYSTEM,
        episode=s.episode,
        coverage=coverage,
        requested_by=s.billing,
        level="iop",
        span=span,
    )
    return services.authorization_approve(
        actor=SYSTEM, authorization=auth, auth_number="A-1", span=span, next_review_on=review
    )


def sessions_on(s: Scenario, days: Iterable[dt.date], *, hour: int = 18) -> list[ScheduledSession]:
    """An individual session for the episode on each local ``day`` at ``hour`` Chicago time
    (18:00 local is after midnight UTC: the local date must still count)."""
    made = []
    for day in days:
        local = dt.datetime(day.year, day.month, day.day, hour, tzinfo=s.episode.program.zone)
        made.append(
            scheduling_services.session_create(
                actor=SYSTEM,
                program=s.ps.program,
                kind=SessionKind.INDIVIDUAL,
                starts_at=local.astimezone(dt.UTC),
                ends_at=(local + dt.timedelta(hours=1)).astimezone(dt.UTC),
                clinician=s.therapist,
                episodes=[s.episode],
            )
        )
    return made


def attended(s: Scenario, sessions: Iterable[ScheduledSession], status: str = "present") -> None:
    """Record the episode's attendance at each session, on the session's own day (a past day
    is a service day only with an attended record: ``openiop.billing.service_days``)."""
    for session in sessions:
        with time_machine.travel(session.starts_at, tick=False):
            attendance_record(
                actor=SYSTEM,
                session=session,
                episode=s.episode,
                status=AttendanceStatus(status),
                by=s.therapist,
            )


def weekdays(start: dt.date, count: int) -> list[dt.date]:
    """The first ``count`` Monday-to-Friday dates from ``start``."""
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += DAY
    return days


def fee_scale(
    s: Scenario, *, on: dt.date = dt.date(2026, 1, 1), year: int = 2026, tiers: object = None
) -> SlidingFeeScale:
    """The program's sliding fee scale (HRSA's example classes unless ``tiers`` is given)."""
    return services.fee_scale_set(
        actor=SYSTEM,
        program=s.ps.program,
        effective_from=on,
        guideline_year=year,
        tiers=tiers if tiers is not None else default_tiers(),  # type: ignore[arg-type]
    )


def determine(
    s: Scenario, income: str = "40000", size: int = 3, state: str = "IL", **kwargs: object
) -> FeeDetermination:
    report = services.HouseholdReport(
        household_size=size,
        annual_income=D(income),
        state=state,
        **kwargs,  # type: ignore[arg-type]
    )
    return services.fee_determine(
        actor=SYSTEM, episode=s.episode, determined_by=s.billing, report=report
    )
