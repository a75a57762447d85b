"""The thin adapter between the database and the pure scheduling engine (CONVENTIONS §1).

``build_instance`` loads one program week into an ``engines.scheduling`` Instance:

- the grid: one-hour slots inside the tracks' hours, in the program's time zone; slots that
  have already begun are left out of a re-plan (``cutoff``);
- staff: active members with StaffAvailability windows here, their skills (competencies;
  "individual" = a therapist or director role) and caseload caps; slots when they are booked
  by another program, or by a session made by hand here, are taken out, and so are whole days
  they work at another site (one site per day);
- rooms of the program's site, except rooms booked elsewhere during the grid's hours (the
  format has no per-room availability, so such a room sits this week out);
- patients: admitted episodes with their track, phase, hour band, availability and needs;
  a re-plan asks only for what is still owed after the sessions before its cutoff;
- previous: what this program's planned sessions of ``basis_week`` were, plus each
  patient's current cohort and primary therapist (continuity and minimal disruption).

Bad data raises PlanInputInvalid naming each fix in plain words, never a server error.
``openiop.scheduling.sessions`` turns a solution back into rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType
from zoneinfo import ZoneInfo

from engines.scheduling import codec
from engines.scheduling.model import (
    DEFAULT_WEIGHTS,
    FormatError,
    Instance,
    Needs,
    Patient,
    Room,
    Site,
    Skill,
    Slot,
    Staff,
    Track,
    Week,
)
from engines.scheduling.model import Cohort as EngineCohort
from openiop.accounts.models import Membership, User
from openiop.accounts.roles import CARE_TEAM_SEATS, Competency, ProgramRole
from openiop.patients.models import OPEN_STATES, EpisodeOfCare, EpisodeState
from openiop.programs.models import Program
from openiop.programs.models import Track as TrackRow
from openiop.scheduling import grid
from openiop.scheduling.bands import PHASE_NUMBER, default_band
from openiop.scheduling.errors import PlanInputInvalid
from openiop.scheduling.grid import SLOT_MINUTES, Ref
from openiop.scheduling.models import (
    HourBand,
    SchedulingNeeds,
    SessionKind,
    StaffAvailability,
)
from openiop.scheduling.previous import previous_solution
from openiop.scheduling.taken import Busy, Held, busy_around, held_before

_COMPETENCY_SKILLS = {
    Competency.GROUP: Skill.GROUP,
    Competency.EMDR: Skill.EMDR,
    Competency.FAMILY: Skill.FAMILY,
    Competency.PRESCRIBER: Skill.PRESCRIBER,
}
_INDIVIDUAL_ROLES = CARE_TEAM_SEATS["primary_therapist"]


@dataclass(frozen=True, slots=True)
class _Context:
    program: Program
    zone: ZoneInfo
    week_start: dt.date
    slots: tuple[Slot, ...]
    bounds: dict[str, tuple[dt.datetime, dt.datetime]]
    busy: Busy
    held: dict[int, Held]


def build_instance(
    program: Program,
    week_start: dt.date,
    *,
    cutoff: dt.datetime | None = None,
    basis_week: dt.date | None = None,
    instance_id: str = "",
) -> Instance:
    """The planning problem of ``program`` for the week starting ``week_start`` (a Monday).

    ``cutoff`` drops slots starting before it (a mid-week re-plan); ``basis_week`` is the week
    whose planned sessions become ``previous`` (the week itself for a re-plan, the current
    week for next week's plan). Reads only. Raises PlanInputInvalid listing every problem
    found (no tracks, a track without cohorts, a patient without availability, ...).
    """
    problems: list[str] = []
    zone = program.zone
    tracks = list(program.tracks.prefetch_related("cohorts").order_by("pk"))
    slots = tuple(_open_slots(tracks, week_start, zone, cutoff))
    if not tracks:
        problems.append("The program has no tracks: add its weekly tracks first.")
    bounds = {s.id: grid.slot_bounds(week_start, s, zone) for s in slots}
    held = held_before(program, week_start, zone, cutoff) if cutoff else {}
    busy = busy_around(program, week_start, zone)
    ctx = _Context(program, zone, week_start, slots, bounds, busy, held)
    week = Week(
        start=week_start, time_zone=program.time_zone, slot_minutes=SLOT_MINUTES, slots=slots
    )
    engine_tracks, cohorts = _tracks_and_cohorts(tracks, program, {s.id for s in slots}, problems)
    patients, episodes = _patients(ctx, tracks, problems)
    staff = _staff(ctx, episodes, problems)
    if problems:
        raise PlanInputInvalid(problems)
    instance = Instance(
        id=instance_id or f"program-{program.pk}-{week_start.isoformat()}",
        week=week,
        sites=(Site(id=Ref.of(Ref.SITE, program.site_id), name=program.site.name),),
        rooms=_rooms(ctx),
        tracks=engine_tracks,
        cohorts=cohorts,
        staff=staff,
        patients=patients,
        weights=DEFAULT_WEIGHTS,
        session_minutes=MappingProxyType({k: SLOT_MINUTES for k in codec.SESSION_TYPES}),
        previous=previous_solution(program, week, basis_week, episodes, zone),
        meta=MappingProxyType({"program": program.pk, "week_start": week_start.isoformat()}),
    )
    return checked(instance)


def checked(instance: Instance) -> Instance:
    """The instance after a round trip through the codec, so whatever the planner stores can
    be read back. Raises PlanInputInvalid with the codec's reason (e.g. a slot inside a
    daylight-saving change)."""
    try:
        return codec.instance_from_json(codec.instance_to_json(instance))
    except FormatError as error:
        raise PlanInputInvalid([f"The week's data is not valid ({error.code}): {error}"]) from error


def _open_slots(
    tracks: list[TrackRow], week_start: dt.date, zone: ZoneInfo, cutoff: dt.datetime | None
) -> list[Slot]:
    slots = grid.week_grid(tracks)
    if cutoff is None:
        return slots
    return [s for s in slots if grid.slot_bounds(week_start, s, zone)[0] >= cutoff]


def _tracks_and_cohorts(
    tracks: list[TrackRow], program: Program, open_slots: set[str], problems: list[str]
) -> tuple[tuple[Track, ...], tuple[EngineCohort, ...]]:
    site = Ref.of(Ref.SITE, program.site_id)
    engine_tracks: list[Track] = []
    cohorts: list[EngineCohort] = []
    for track in tracks:
        rows = sorted(track.cohorts.all(), key=lambda c: c.pk)
        if not rows:
            continue
        slots = tuple(s.id for s in grid.track_slots(track) if s.id in open_slots)
        engine_tracks.append(Track(Ref.of(Ref.TRACK, track.pk), site, track.name, slots))
        cohorts.extend(
            EngineCohort(
                id=Ref.of(Ref.COHORT, c.pk),
                track=Ref.of(Ref.TRACK, track.pk),
                # Size 0 is always allowed, so a minimum of 0 means the same as 1.
                min_size=max(1, c.min_size),
                max_size=c.max_size,
                closed=c.is_closed,
            )
            for c in rows
        )
    return tuple(engine_tracks), tuple(cohorts)


def _rooms(ctx: _Context) -> tuple[Room, ...]:
    site = Ref.of(Ref.SITE, ctx.program.site_id)
    rows = ctx.program.site.rooms.order_by("pk")
    return tuple(
        Room(id=Ref.of(Ref.ROOM, r.pk), site=site, capacity=r.capacity)
        for r in rows
        if r.pk not in ctx.busy.rooms
    )


def _minutes(moment: dt.time) -> int:
    return moment.hour * 60 + moment.minute


def _free(
    ctx: _Context,
    windows: Iterable[tuple[int, dt.time, dt.time]],
    taken: list[tuple[dt.datetime, dt.datetime]],
) -> frozenset[str]:
    """Slots wholly inside one of ``windows`` (weekday, from, to; local time; touching
    windows joined) and clear of ``taken``."""
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for day, begin, end in sorted(windows):
        low, high = _minutes(begin), _minutes(end)
        if spans[day] and spans[day][-1][1] == low:
            low = spans[day].pop()[0]
        spans[day].append((low, high))
    free = set()
    for slot in ctx.slots:
        first = _minutes(slot.start)
        if not any(lo <= first and first + SLOT_MINUTES <= hi for lo, hi in spans[slot.day]):
            continue
        start_at, end_at = ctx.bounds[slot.id]
        if not any(s < end_at and start_at < e for s, e in taken):
            free.add(slot.id)
    return frozenset(free)


def _patients(
    ctx: _Context, tracks: list[TrackRow], problems: list[str]
) -> tuple[tuple[Patient, ...], list[EpisodeOfCare]]:
    episodes = list(
        EpisodeOfCare.objects.filter(program=ctx.program, state=EpisodeState.ADMITTED)
        .select_related("patient", "track", "cohort", "care_team", "scheduling_needs")
        .prefetch_related("availability")
        .order_by("pk")
    )
    with_cohorts = {t.pk for t in tracks if t.cohorts.all()}
    bands = {
        b.phase: (b.min_hours, b.max_hours) for b in HourBand.objects.filter(program=ctx.program)
    }
    patients = []
    for episode in episodes:
        patient = _patient(ctx, episode, with_cohorts, bands, problems)
        if patient is not None:
            patients.append(patient)
    return tuple(patients), episodes


def _patient(
    ctx: _Context,
    episode: EpisodeOfCare,
    with_cohorts: set[int],
    bands: dict[str, tuple[int, int]],
    problems: list[str],
) -> Patient | None:
    name = episode.patient.display_name
    if episode.track_id is None:
        problems.append(f"{name} has no track: choose the track they attend.")
        return None
    if episode.track_id not in with_cohorts:
        problems.append(f"{episode.track} has no cohorts for {name}: create one for the track.")
        return None
    windows = [(w.weekday, w.starts_at, w.ends_at) for w in episode.availability.all()]
    if not windows:
        problems.append(f"{name} has no availability: add the hours they can attend.")
        return None
    low, high = bands.get(episode.phase) or default_band(ctx.program.level_of_care, episode.phase)
    held = ctx.held.get(episode.pk, Held())
    needs = _still_needed(_needs(episode), held)
    low, high = max(0, low - held.hours), max(0, high - held.hours)
    return Patient(
        id=Ref.of(Ref.PATIENT, episode.pk),
        site=Ref.of(Ref.SITE, ctx.program.site_id),
        track_options=(Ref.of(Ref.TRACK, episode.track_id),),
        available=_free(ctx, windows, ctx.busy.episodes.get(episode.pk, [])),
        phase=PHASE_NUMBER[episode.phase],
        hours_min=low,
        hours_max=high,
        needs=needs,
    )


def _needs(episode: EpisodeOfCare) -> Needs:
    try:
        row = episode.scheduling_needs
    except SchedulingNeeds.DoesNotExist:
        return Needs()
    return Needs(
        individual=row.individual_per_week,
        emdr=row.emdr,
        psychiatry=row.psychiatry_due,
        family=row.family,
    )


def _still_needed(needs: Needs, held: Held) -> Needs:
    return Needs(
        individual=max(0, needs.individual - held.kinds[SessionKind.INDIVIDUAL]),
        emdr=needs.emdr,
        psychiatry=needs.psychiatry and not held.kinds[SessionKind.PSYCHIATRY],
        family=needs.family and not held.kinds[SessionKind.FAMILY],
    )


def _staff(ctx: _Context, episodes: list[EpisodeOfCare], problems: list[str]) -> tuple[Staff, ...]:
    memberships = Membership.objects.filter(
        program=ctx.program, is_active=True, user__is_active=True
    ).select_related("user")
    roles: dict[int, list[Membership]] = defaultdict(list)
    for m in memberships:
        roles[m.user_id].append(m)
    windows: dict[int, list[tuple[int, dt.time, dt.time]]] = defaultdict(list)
    for w in StaffAvailability.objects.filter(program=ctx.program, user_id__in=list(roles)):
        windows[w.user_id].append((w.weekday, w.starts_at, w.ends_at))
    carried = _carried_elsewhere(ctx.program, episodes)
    staff = []
    for user_id in sorted(windows):
        member = _member(
            ctx, roles[user_id], windows[user_id], carried.get(user_id, 0), len(episodes)
        )
        if member is not None:
            staff.append(member)
    if episodes and not staff:
        problems.append("No staff member has availability in this program: add their hours.")
    return tuple(staff)


def _carried_elsewhere(program: Program, episodes: list[EpisodeOfCare]) -> dict[int, int]:
    """Primary-therapist seats held on open episodes of the program that are not planned
    (referred or waitlisted): they count against the caseload cap too."""
    planned = [e.pk for e in episodes]
    rows = (
        EpisodeOfCare.objects.filter(program=program, state__in=OPEN_STATES)
        .exclude(pk__in=planned)
        .exclude(care_team__primary_therapist__isnull=True)
        .values_list("care_team__primary_therapist_id", flat=True)
    )
    counts: dict[int, int] = defaultdict(int)
    for user_id in rows:
        counts[user_id] += 1
    return counts


def _member(
    ctx: _Context,
    memberships: list[Membership],
    windows: list[tuple[int, dt.time, dt.time]],
    carried: int,
    patients: int,
) -> Staff | None:
    user: User = memberships[0].user
    skills = skills_of(user, memberships)
    caps = [
        m.caseload_cap
        for m in memberships
        if m.caseload_cap is not None and m.role in _INDIVIDUAL_ROLES
    ]
    cap = (max(caps) if caps else max(patients, 1)) - carried
    if cap < 1:
        skills.discard(Skill.INDIVIDUAL)
    if not skills:
        return None
    return Staff(
        id=Ref.of(Ref.STAFF, user.pk),
        name=user.display_name,
        skills=frozenset(skills),
        sites=(Ref.of(Ref.SITE, ctx.program.site_id),),
        available=_free(ctx, windows, _staff_taken(ctx, user.pk)),
        caseload_cap=max(cap, 1),
    )


def skills_of(user: User, memberships: list[Membership]) -> set[Skill]:
    """What the planner lets a staff member do: competencies (group, EMDR, family,
    prescribing), individual sessions for therapists and directors, groups for group
    facilitators and prescribing for prescribers."""
    skills = {
        _COMPETENCY_SKILLS[Competency(c)] for c in user.competencies if c in _COMPETENCY_SKILLS
    }
    held = {m.role for m in memberships}
    if held & _INDIVIDUAL_ROLES:
        skills.add(Skill.INDIVIDUAL)
    if ProgramRole.GROUP_FACILITATOR in held:
        skills.add(Skill.GROUP)
    if ProgramRole.PRESCRIBER in held:
        skills.add(Skill.PRESCRIBER)
    return skills


def _staff_taken(ctx: _Context, user_id: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """Times a clinician is booked elsewhere, widened to the whole local day when that
    booking is at another site (a clinician works at one site per day)."""
    taken = []
    for start, end, site_id in ctx.busy.staff.get(user_id, []):
        if site_id == ctx.program.site_id:
            taken.append((start, end))
            continue
        day = start.astimezone(ctx.zone).date()
        begin = dt.datetime.combine(day, dt.time(0), ctx.zone).astimezone(dt.UTC)
        taken.append((begin, begin + dt.timedelta(days=1)))
    return taken
