"""The pipeline board: open referrals by stage, the recently closed and admitted, the time
to admission and in each stage, and each track's seats and waitlist. A fixed number of
queries whatever the number of referrals (tests/admissions/test_board.py counts them)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import Q, QuerySet

from openiop.accounts.access import program_ids_with
from openiop.admissions.capacity import TrackSeats, seats_by_track
from openiop.admissions.models import OPEN_STAGES, Referral, Stage, StageChange
from openiop.admissions.selectors.waitlist import (
    WaitlistRow,
    open_entries,
    ordered_rows,
)
from openiop.admissions.services.referrals import next_stage
from openiop.admissions.waitlist_order import URGENCY_RANK
from openiop.core.actor import Actor
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.patients.models import Patient
from openiop.patients.selectors import patients_audit_listed
from openiop.programs.models import Program, Track

RECENT_DAYS = 30
RECENT_LIMIT = 20
STATISTICS_DAYS = 90
_DAY = 86_400


@dataclass(frozen=True, slots=True)
class Card:
    referral: Referral
    days_in_stage: int
    next_stage: Stage | None
    waiting: WaitlistRow | None


@dataclass(frozen=True, slots=True)
class Column:
    stage: Stage
    cards: list[Card]

    @property
    def label(self) -> str:
        return str(self.stage.label)


@dataclass(frozen=True, slots=True)
class StageStatistic:
    stage: Stage
    median_days: float | None
    visits: int


@dataclass(frozen=True, slots=True)
class Statistics:
    since: dt.datetime
    median_days_to_admission: float | None
    admissions: int
    stages: list[StageStatistic]


@dataclass(frozen=True, slots=True)
class TrackPanel:
    track: Track
    seats: TrackSeats
    rows: list[WaitlistRow]

    @property
    def next_row(self) -> WaitlistRow | None:
        """Who an open seat would be offered to now, if a seat is open."""
        if not self.seats.open_seats:
            return None
        return next((r for r in self.rows if not r.holds_offer), None)


@dataclass(frozen=True, slots=True)
class Board:
    programs: list[Program]
    program: Program | None
    columns: list[Column]
    recently_closed: list[Referral]
    recently_admitted: list[Referral]
    statistics: Statistics
    tracks: list[TrackPanel]

    def listed(self) -> list[Referral]:
        """Every referral the board names a person for."""
        cards = [c.referral for column in self.columns for c in column.cards]
        return [*cards, *self.recently_closed, *self.recently_admitted]


def board_get(user: Any, *, program_id: int | None, now: dt.datetime) -> Board:
    """The board over the programs where ``user`` holds VIEW_ADMISSIONS, or over one of
    them. Raises NotFound for a program outside them. Ten queries; no audit (see
    ``board_audit_listed``)."""
    ids = program_ids_with(user, Capability.VIEW_ADMISSIONS)
    if program_id is not None:
        if program_id not in ids:
            raise NotFound("No such program.")
        ids = {program_id}
    programs = list(Program.objects.filter(pk__in=ids).order_by("name"))
    scope = Q(episode__program_id__in=ids)
    referrals = _referrals(scope)
    tracks = list(Track.objects.filter(program_id__in=ids).select_related("program"))
    entries = list(open_entries(t.pk for t in tracks))
    panels = _track_panels(tracks, entries, now)
    waiting = {row.entry.referral_id: row for panel in panels for row in panel.rows}
    recent = now - dt.timedelta(days=RECENT_DAYS)
    return Board(
        programs=programs,
        program=programs[0] if program_id is not None and programs else None,
        columns=_columns(referrals.filter(stage__in=OPEN_STAGES), waiting, now),
        recently_closed=_recent(referrals, Stage.CLOSED, recent),
        recently_admitted=_recent(referrals, Stage.ADMITTED, recent),
        statistics=board_statistics(ids, now=now),
        tracks=panels,
    )


def _referrals(scope: Q) -> QuerySet[Referral]:
    return Referral.objects.filter(scope).select_related(
        "episode__patient", "episode__program", "requested_track"
    )


def _recent(referrals: QuerySet[Referral], stage: Stage, since: dt.datetime) -> list[Referral]:
    chosen = referrals.filter(stage=stage, stage_since__gte=since).order_by("-stage_since", "-pk")
    return list(chosen[:RECENT_LIMIT])


def _columns(
    referrals: Iterable[Referral], waiting: dict[int, WaitlistRow], now: dt.datetime
) -> list[Column]:
    by_stage: dict[str, list[Card]] = {s: [] for s in OPEN_STAGES}
    ordered = sorted(referrals, key=lambda r: (URGENCY_RANK[r.urgency], r.stage_since, r.pk))
    for r in ordered:
        days = max((now - r.stage_since).days, 0)
        card = Card(r, days, next_stage(r), waiting.get(r.pk))
        by_stage[r.stage].append(card)
    return [Column(stage=Stage(s), cards=cards) for s, cards in by_stage.items()]


def _track_panels(
    tracks: Sequence[Track], entries: Sequence[Any], now: dt.datetime
) -> list[TrackPanel]:
    seats = seats_by_track(tracks, entries)
    ordered_tracks = sorted(tracks, key=lambda t: (t.program.name, t.name, t.pk))
    return [
        TrackPanel(
            track=t,
            seats=seats[t.pk],
            rows=ordered_rows([e for e in entries if e.track_id == t.pk], now=now),
        )
        for t in ordered_tracks
    ]


def board_statistics(program_ids: set[int], *, now: dt.datetime) -> Statistics:
    """The median days from referral to admission over the admissions of the last
    STATISTICS_DAYS days, and the median days per open stage over the stage visits that
    ended in that window or are still going on (until ``now``). Two queries."""
    since = now - dt.timedelta(days=STATISTICS_DAYS)
    admitted = StageChange.objects.filter(
        stage=Stage.ADMITTED,
        entered_at__gte=since,
        referral__episode__program_id__in=program_ids,
    ).values_list("entered_at", "referral__received_at")
    to_admission = [entered - received for entered, received in admitted]
    rows = (
        StageChange.objects.filter(referral__episode__program_id__in=program_ids)
        .filter(Q(referral__stage__in=OPEN_STAGES) | Q(referral__stage_since__gte=since))
        .order_by("referral_id", "entered_at", "pk")
        .values_list("referral_id", "stage", "entered_at")
    )
    visits = stage_visits(rows, since=since, now=now)
    return Statistics(
        since=since,
        median_days_to_admission=median_days(to_admission),
        admissions=len(to_admission),
        stages=[
            StageStatistic(
                stage=Stage(s), median_days=median_days(visits[s]), visits=len(visits[s])
            )
            for s in OPEN_STAGES
        ],
    )


def stage_visits(
    rows: Iterable[tuple[int, str, dt.datetime]], *, since: dt.datetime, now: dt.datetime
) -> dict[str, list[dt.timedelta]]:
    """Time spent in each open stage, from stage entries ordered by referral then time: a
    visit lasts until the referral's next entry, or until ``now`` for its current stage.
    Only visits that ended at or after ``since``, or are still going on, count."""
    visits: dict[str, list[dt.timedelta]] = {s: [] for s in OPEN_STAGES}
    for _referral, group in groupby(rows, key=lambda row: row[0]):
        entries = list(group)
        for (_, stage, start), following in zip(entries, [*entries[1:], None], strict=True):
            if stage not in visits:
                continue
            if following is None:
                visits[stage].append(now - start)
            elif following[2] >= since:
                visits[stage].append(following[2] - start)
    return visits


def median_days(durations: Sequence[dt.timedelta]) -> float | None:
    """The median in days, to one decimal, or None without data."""
    if not durations:
        return None
    return round(statistics.median(d.total_seconds() for d in durations) / _DAY, 1)


def board_audit_listed(*, actor: Actor, board: Board) -> None:
    """One PATIENT_LISTED row per person the board names (as on the patient list)."""
    patients: dict[int, Patient] = {}
    part2: set[int] = set()
    for referral in board.listed():
        patient = referral.episode.patient
        patients[patient.pk] = patient
        if referral.episode.program.is_part2:
            part2.add(patient.pk)
    patients_audit_listed(actor=actor, patients=list(patients.values()), part2_ids=part2)
