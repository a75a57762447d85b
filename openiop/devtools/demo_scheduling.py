"""Apply the demo's scheduling through the services: cohort sizes and usual rooms, staff
hours, patients' availability and needs, hour bands, then this week and next week planned by
the real solver and approved as the director, so the calendars show a solver-made week.

Staff who work in two programs keep the same hours in both; programs are planned one after
another (PHP, then the Eastside program, then Adult IOP), so each plan sees the sessions the
earlier ones booked and works around them (and a clinician at one site per day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from openiop.accounts.models import User
from openiop.core.actor import Actor
from openiop.devtools.layout import ADULT_IOP, ADULT_PHP, SUD_IOP
from openiop.patients.models import EpisodeOfCare, EpisodeState, Phase
from openiop.programs.models import Enrollment, Program, Room, Track
from openiop.programs.services import cohort_configure
from openiop.scheduling import runner, services
from openiop.scheduling.bands import default_band
from openiop.scheduling.models import PlanKind, PlanState, SchedulePlan
from openiop.scheduling.weeks import current_week

Window = tuple[int, dt.time, dt.time]
# A ceiling that keeps `make demo` quick; the demo's weeks are proved optimal in about a
# second each with 8 workers (one worker took over ten seconds to prove the PHP week).
TIME_LIMIT = 10.0
# CP-SAT's 8-worker portfolio (scheduling.md §2.3). Its threads race, so two seeds of the same
# number may get different but equally good weeks; cohorts and primary therapists, which the
# plan keeps from the seeded histories, come out the same.
WORKERS = 8
PLANNING_ORDER = (ADULT_PHP, SUD_IOP, ADULT_IOP)
TRACKS = "tracks"  # the program's track hours on the track days


def _days(days: tuple[int, ...], start: int, end: int, end_minute: int = 0) -> list[Window]:
    return [(d, dt.time(start), dt.time(end, end_minute)) for d in days]


# Who works when, per program (local time). A username maps to windows, or to TRACKS.
STAFF_HOURS: Mapping[str, Mapping[str, str | list[Window]]] = MappingProxyType(
    {
        ADULT_PHP: {
            "therapist3": TRACKS,
            "therapist": _days((0, 1, 2, 3, 4), 9, 14, 30),
            "prescriber": _days((1, 3), 9, 14, 30),
            "prescriber2": _days((0, 2), 9, 14, 30),
        },
        SUD_IOP: {
            "therapist.east": TRACKS,
            "facilitator": _days((4,), 9, 12),
            "prescriber2": _days((1, 4), 9, 12) + _days((3,), 18, 21),
        },
        ADULT_IOP: {
            "therapist": TRACKS,
            "therapist2": TRACKS,
            "facilitator": TRACKS,
            "prescriber": _days((0, 1, 2, 3), 9, 12) + _days((0, 3), 13, 16) + _days((1,), 18, 21),
        },
    }
)
FACILITATOR = MappingProxyType(
    {ADULT_IOP: "facilitator", ADULT_PHP: "therapist3", SUD_IOP: "therapist.east"}
)


@dataclass(frozen=True, slots=True)
class ScheduleSummary:
    """Sessions put on the calendar per program, this week and next."""

    sessions: tuple[tuple[str, int, int], ...]

    def highlight(self) -> tuple[str, str]:
        """The "Start here" line naming the schedule page."""
        return (
            "Schedule made by the solver",
            "/schedule/ as director: this week and next are approved; Plan next week again, "
            "or discharge an Adult IOP patient and Re-plan for the changes",
        )


def build_schedules(
    actor: Actor, programs: dict[str, Program], staff: dict[str, User]
) -> ScheduleSummary:
    """Configure the programs for planning and plan this week and next. Audits through the
    services; the plans are requested as the director and approved by them. Raises
    RuntimeError when a demo week cannot be planned (the demo data would be wrong)."""
    director = staff["director"]
    for key in PLANNING_ORDER:
        _configure(actor, programs[key], staff, key)
    rows: list[tuple[str, int, int]] = []
    for key in PLANNING_ORDER:
        program = programs[key]
        this_week = current_week(program)
        this = _plan_and_approve(actor, program, director, this_week)
        following = _plan_and_approve(actor, program, director, this_week + dt.timedelta(days=7))
        rows.append((program.name, this, following))
    return ScheduleSummary(tuple(rows))


def _configure(actor: Actor, program: Program, staff: dict[str, User], key: str) -> None:
    tracks = list(program.tracks.order_by("starts_at", "pk"))
    _configure_cohorts(program, tracks, staff[FACILITATOR[key]])
    for username, hours in STAFF_HOURS[key].items():
        windows = _track_windows(tracks) if isinstance(hours, str) else list(hours)
        services.staff_availability_set(
            actor=actor, program=program, user=staff[username], windows=windows
        )
    for phase in Phase:
        low, high = default_band(program.level_of_care, phase)
        services.hour_band_set(
            actor=actor, program=program, phase=phase, min_hours=low, max_hours=high
        )
    _configure_patients(actor, program, staff, iop=key == ADULT_IOP)


def _track_windows(tracks: list[Track]) -> list[Window]:
    return sorted((d, t.starts_at, t.ends_at) for t in tracks for d in t.weekdays)


def _configure_cohorts(program: Program, tracks: list[Track], facilitator: User) -> None:
    """Demo cohorts are small (a handful of patients per track), so any size from one counts;
    each gets the program's facilitator and a group room of the site as its usual room."""
    rooms = list(
        Room.objects.filter(site=program.site_id, name__startswith="Group").order_by("name")
    )
    for n, track in enumerate(tracks):
        for cohort in track.cohorts.order_by("started_on", "pk"):
            cohort_configure(
                cohort=cohort,
                min_size=1,
                max_size=12,
                enrollment=Enrollment.ROLLING,
                facilitator_id=facilitator.pk,
                room=rooms[n % len(rooms)] if rooms else None,
            )


def _configure_patients(
    actor: Actor, program: Program, staff: dict[str, User], *, iop: bool
) -> None:
    """Every admitted patient can come to all their track's hours; every third is due for
    psychiatry; in Adult IOP every fourth wants a family session and the first patient of
    the EMDR-trained therapist needs EMDR."""
    episodes = EpisodeOfCare.objects.filter(program=program, state=EpisodeState.ADMITTED)
    emdr_done = False
    for n, episode in enumerate(episodes.select_related("track", "care_team").order_by("pk")):
        track = episode.track
        windows = _track_windows([track]) if track is not None else []
        services.patient_availability_set(actor=actor, episode=episode, windows=windows)
        emdr = (
            iop
            and not emdr_done
            and episode.care_team.primary_therapist_id == staff["therapist2"].pk
        )
        emdr_done = emdr_done or emdr
        services.scheduling_needs_set(
            actor=actor,
            episode=episode,
            individual_per_week=1,
            emdr=emdr,
            family=iop and n % 4 == 1,
            psychiatry_due=n % 3 == 0,
        )


def _plan_and_approve(actor: Actor, program: Program, director: User, week: dt.date) -> int:
    plan = services.plan_request(
        actor=actor,
        program=program,
        by=director,
        kind=PlanKind.NEXT_WEEK,
        time_limit=TIME_LIMIT,
        week_start=week,
        enqueue=False,
    )
    runner.run_plan(plan.pk, workers=WORKERS, actor=actor)
    plan = SchedulePlan.objects.get(pk=plan.pk)
    if plan.state != PlanState.PROPOSED:
        raise RuntimeError(
            f"The demo week of {week} in {program.name} could not be planned: {plan.failure} "
            f"{plan.conflicts}"
        )
    services.plan_approve(actor=actor, plan=plan, by=director)
    return plan.sessions.count()
