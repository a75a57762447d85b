"""Read and write the scheduling JSON format, version 1 (docs/scheduling-format.md).

Reading checks everything a file can get wrong on its own: shape, types, ranges, duplicate
ids, references between its parts, availability windows, and local times that do not exist
or are ambiguous in the week's time zone. Every problem is a ``FormatError`` with a stable
code and a JSON path. Rules that need a solution (cohort sizes, double bookings...) belong to
the validator; a solution is checked here for its shape only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Collection, Mapping
from operator import attrgetter
from types import MappingProxyType
from zoneinfo import ZoneInfo

from engines.scheduling import json_reading as read
from engines.scheduling.json_reading import json_from_text
from engines.scheduling.json_writing import SESSION_TYPES, instance_to_json, solution_to_json
from engines.scheduling.model import (
    DEFAULT_WEIGHTS,
    INSTANCE_FORMAT,
    SOLUTION_FORMAT,
    Assignment,
    Cohort,
    FormatError,
    Instance,
    Meeting,
    Needs,
    Patient,
    Room,
    Session,
    SessionKind,
    Site,
    Skill,
    Slot,
    Solution,
    Staff,
    Track,
    Week,
    Weight,
)
from engines.scheduling.timegrid import available_slots, parse_week, parse_windows

__all__ = [
    "SESSION_TYPES",
    "check_solution_matches",
    "instance_digest",
    "instance_from_json",
    "instance_to_json",
    "json_from_text",
    "slot_start_utc",
    "solution_from_json",
    "solution_to_json",
]

_INSTANCE_FIELDS = (
    *("format", "version", "id", "week", "session_minutes", "sites", "rooms", "tracks"),
    *("cohorts", "staff", "patients"),
)


def instance_from_json(data: object) -> Instance:
    """Build an Instance from parsed JSON (``json.load`` output).

    Raises FormatError (codes in model.FormatError) naming the first problem and its path.
    """
    top = read.format_header(data, INSTANCE_FORMAT)
    read.fields(top, "", _INSTANCE_FIELDS, ("weights", "previous", "meta"))
    instance_id = read.ident(top["id"], "id")
    week = parse_week(top["week"], "week")
    session_minutes = _session_minutes(top["session_minutes"], week.slot_minutes)
    slot_ids = {slot.id for slot in week.slots}
    sites = _with_ids(top["sites"], "sites", _site)
    site_ids = {site.id for site in sites}
    tracks = _with_ids(top["tracks"], "tracks", lambda v, p: _track(v, p, site_ids, slot_ids))
    track_sites = {track.id: track.site for track in tracks}
    return Instance(
        id=instance_id,
        week=week,
        sites=sites,
        rooms=_with_ids(top["rooms"], "rooms", lambda v, p: _room(v, p, site_ids)),
        tracks=tracks,
        cohorts=_with_ids(top["cohorts"], "cohorts", lambda v, p: _cohort(v, p, track_sites)),
        staff=_with_ids(top["staff"], "staff", lambda v, p: _staff(v, p, site_ids, week)),
        patients=_with_ids(
            top["patients"], "patients", lambda v, p: _patient(v, p, site_ids, track_sites, week)
        ),
        weights=_weights(top.get("weights", {}), "weights"),
        session_minutes=session_minutes,
        previous=_solution(top["previous"], "previous") if "previous" in top else None,
        meta=read.free_object(top.get("meta", {}), "meta"),
    )


def solution_from_json(data: object) -> Solution:
    """Build a Solution from parsed JSON. Checks shape and types only: ids that the instance
    does not know are reported by the validator, not here. Raises FormatError."""
    return _solution(data, "")


def instance_digest(i: Instance) -> str:
    """``"sha256:"`` + the hex SHA-256 of the canonical JSON of the instance without ``meta``
    (keys sorted, no whitespace, ``json.dumps`` defaults otherwise, UTF-8)."""
    data = instance_to_json(i)
    data.pop("meta", None)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_solution_matches(i: Instance, s: Solution) -> None:
    """Refuse a solution written for another instance (or another version of this one).

    Raises FormatError("wrong_instance") when ``s.instance_digest`` is not the instance's.
    """
    expected = instance_digest(i)
    if s.instance_digest != expected:
        raise FormatError(
            "wrong_instance",
            f"this solution is for instance '{s.instance_id}' ({s.instance_digest or 'no digest'}),"
            f" not for instance '{i.id}' ({expected})",
            path="instance_digest",
        )


def slot_start_utc(week: Week, slot: Slot) -> dt.datetime:
    """The aware UTC start of a slot. Slots are wall-clock times in ``week.time_zone``; the
    reader refuses slots in a DST gap or fold, so the mapping is one-to-one for read files.
    Raises ZoneInfoNotFoundError for an unknown zone."""
    local = dt.datetime.combine(
        week.start + dt.timedelta(days=slot.day), slot.start, tzinfo=ZoneInfo(week.time_zone)
    )
    return local.astimezone(dt.UTC)


def _session_minutes(value: object, slot_minutes: int) -> Mapping[str, int]:
    record = read.Record(value, "session_minutes", SESSION_TYPES)
    minutes: dict[str, int] = {}
    for kind in SESSION_TYPES:
        minutes[kind] = record.integer(kind, minimum=1)
        if minutes[kind] != slot_minutes:
            raise FormatError(
                "unsupported_duration",
                f"{kind} lasts {minutes[kind]} minutes; format version 1 supports only one-slot"
                f" sessions of slot_minutes ({slot_minutes})",
                path=record.at(kind),
            )
    return MappingProxyType(minutes)


def _with_ids[T](value: object, path: str, parse: Callable[[object, str], T]) -> tuple[T, ...]:
    return read.identified(value, path, parse, attrgetter("id"))


# --- reading: places, people and groups -----------------------------------------------------


def _site(value: object, path: str) -> Site:
    record = read.Record(value, path, ("id", "name"))
    return Site(id=record.ident("id"), name=record.text("name"))


def _room(value: object, path: str, sites: Collection[str]) -> Room:
    record = read.Record(value, path, ("id", "site", "capacity"))
    return Room(
        id=record.ident("id"),
        site=record.ref("site", sites, "site"),
        capacity=record.integer("capacity", minimum=1),
    )


def _track(value: object, path: str, sites: Collection[str], slots: Collection[str]) -> Track:
    record = read.Record(value, path, ("id", "site", "name", "slots"))
    return Track(
        id=record.ident("id"),
        site=record.ref("site", sites, "site"),
        name=record.text("name"),
        slots=record.refs("slots", slots, "slot"),
    )


def _cohort(value: object, path: str, tracks: Collection[str]) -> Cohort:
    record = read.Record(value, path, ("id", "track", "min_size", "max_size"), ("closed",))
    min_size = record.integer("min_size", minimum=1)
    max_size = record.integer("max_size", minimum=1)
    if min_size > max_size:
        raise FormatError(
            "invalid_value",
            f"min_size {min_size} exceeds max_size {max_size}",
            path=record.at("min_size"),
        )
    return Cohort(
        id=record.ident("id"),
        track=record.ref("track", tracks, "track"),
        min_size=min_size,
        max_size=max_size,
        closed=record.boolean("closed", default=False),
    )


def _staff(value: object, path: str, sites: Collection[str], week: Week) -> Staff:
    record = read.Record(
        value, path, ("id", "name", "skills", "sites", "availability", "caseload_cap")
    )
    names = [skill.value for skill in Skill]
    return Staff(
        id=record.ident("id"),
        name=record.text("name"),
        skills=frozenset(Skill(n) for n in record.refs("skills", names, "skill", "invalid_value")),
        sites=record.refs("sites", sites, "site"),
        available=available_slots(
            parse_windows(record.raw("availability"), record.at("availability")), week
        ),
        caseload_cap=record.integer("caseload_cap", minimum=1),
    )


_PATIENT_FIELDS = ("id", "site", "track_options", "phase", "weekly_hours", "availability", "needs")


def _patient(
    value: object, path: str, sites: Collection[str], track_sites: Mapping[str, str], week: Week
) -> Patient:
    record = read.Record(value, path, _PATIENT_FIELDS)
    patient_id = record.ident("id")
    site = record.ref("site", sites, "site")
    hours = read.Record(record.raw("weekly_hours"), record.at("weekly_hours"), ("min", "max"))
    hours_min, hours_max = hours.integer("min", minimum=0), hours.integer("max", minimum=0)
    if hours_min > hours_max:
        raise FormatError(
            "invalid_value", f"min {hours_min} exceeds max {hours_max}", path=hours.at("min")
        )
    windows = parse_windows(record.raw("availability"), record.at("availability"))
    return Patient(
        id=patient_id,
        site=site,
        track_options=_track_options(record, site, track_sites),
        available=available_slots(windows, week),
        phase=record.integer("phase", minimum=1, maximum=3),
        hours_min=hours_min,
        hours_max=hours_max,
        needs=_needs(record.raw("needs"), record.at("needs")),
    )


def _track_options(
    record: read.Record, site: str, track_sites: Mapping[str, str]
) -> tuple[str, ...]:
    """At least one known track, each at the patient's own site: a track elsewhere could
    never be assigned, so the file is refused rather than the week found infeasible."""
    options = record.refs("track_options", track_sites, "track")
    if not options:
        raise FormatError(
            "invalid_value",
            "a patient needs at least one track option",
            path=record.at("track_options"),
        )
    for n, track in enumerate(options):
        if track_sites[track] != site:
            raise FormatError(
                "invalid_value",
                f"track '{track}' is at site '{track_sites[track]}', not at the patient's site '{site}'",
                path=f"{record.at('track_options')}[{n}]",
            )
    return options


def _needs(value: object, path: str) -> Needs:
    record = read.Record(value, path, ("individual", "emdr", "psychiatry", "family"))
    return Needs(
        individual=record.integer("individual", minimum=0),
        emdr=record.boolean("emdr"),
        psychiatry=record.boolean("psychiatry"),
        family=record.boolean("family"),
    )


def _weights(value: object, path: str) -> Mapping[Weight, int]:
    """Missing weights take DEFAULT_WEIGHTS; unknown keys and negative weights are refused."""
    record = read.Record(value, path, (), [w.value for w in Weight])
    weights = dict(DEFAULT_WEIGHTS)
    for key in record.data:
        weights[Weight(key)] = record.integer(key, minimum=0)
    return MappingProxyType(weights)


# --- reading: solutions ---------------------------------------------------------------------

_SOLUTION_FIELDS = (
    *("format", "version", "instance", "instance_digest"),
    *("assignments", "meetings", "sessions"),
)


def _solution(value: object, path: str) -> Solution:
    record = read.Record(
        read.format_header(value, SOLUTION_FORMAT, path), path, _SOLUTION_FIELDS, ("stats",)
    )
    return Solution(
        instance_id=record.ident("instance"),
        instance_digest=record.text("instance_digest"),
        assignments=read.records(record.raw("assignments"), record.at("assignments"), _assignment),
        meetings=read.records(record.raw("meetings"), record.at("meetings"), _meeting),
        sessions=read.records(record.raw("sessions"), record.at("sessions"), _session),
        stats=record.free_object("stats"),
    )


def _assignment(value: object, path: str) -> Assignment:
    record = read.Record(value, path, ("patient", "cohort", "primary"))
    return Assignment(record.ident("patient"), record.ident("cohort"), record.ident("primary"))


def _meeting(value: object, path: str) -> Meeting:
    record = read.Record(value, path, ("cohort", "slot", "facilitator", "room"))
    return Meeting(
        record.ident("cohort"),
        record.ident("slot"),
        record.ident("facilitator"),
        record.ident("room"),
    )


def _session(value: object, path: str) -> Session:
    record = read.Record(value, path, ("patient", "kind", "slot", "clinician"))
    kinds = [kind.value for kind in SessionKind]
    return Session(
        patient=record.ident("patient"),
        kind=SessionKind(record.ref("kind", kinds, "session kind", "invalid_value")),
        slot=record.ident("slot"),
        clinician=record.ident("clinician"),
    )
