"""The MeasureResponse rows: which scheduled occasions each episode answered, on which day,
through which channel, and with which answers.

Occasions come from ``engines.occasions`` (the same rules the app uses), so every row answers
a real occasion of its episode and the one-response-per-occasion constraint holds. Whether an
occasion was answered depends on the timepoint (follow-ups are often missed) and on the
patient's engagement. Scores follow the episode's clinical course: improvement by discharge
for most, none or worse for some, partial relapse over the follow-up months.

Rows are yielded in ``submitted_at`` order with ascending ids, as a live system would have
written them, so the table's physical order resembles production rather than being clustered
by episode.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import engines.instruments as instruments
from bench.answers import POOL_SIZE, Scored, level_of
from bench.plan import DAY, Episode, Plan, build_plan, seeded
from engines.occasions import FOLLOW_UP_DAYS, EpisodeDates, Occasion, occasions

COLUMNS = (
    "id", "patient_id", "episode_id", "instrument", "version", "language", "timepoint",
    "due_on", "collected_on", "submitted_at", "source", "entered_by_id", "answers", "total",
    "severity", "subscales", "flags", "answered", "prorated",
)  # fmt: skip
Row = tuple[object, ...]
Pools = dict[str, tuple[tuple[Scored, ...], ...]]

COMPLETION = {
    "intake": 0.95,
    "weekly": 0.88,
    "discharge": 0.8,
    "follow_up_30": 0.5,
    "follow_up_90": 0.4,
    "follow_up_180": 0.32,
}
# Days from the due date on which patients actually answer, per timepoint (clamped to the
# occasion's window).
ANSWERED_AROUND = {"intake": (-3, 2), "weekly": (-2, 2), "discharge": (-3, 6)}
FOLLOW_UP_AROUND = (-7, 14)
ITEM_COMPLETION = 0.97  # now and then one questionnaire of a session is left out
SUBSTANCE = ("auditc", "dast10")
INSTRUMENT_ORDER = tuple(instruments.INSTRUMENTS)


@dataclass(frozen=True, slots=True)
class Planned:
    instrument: str
    timepoint: str
    due_on: dt.date
    collected_on: dt.date
    session: int


def _collected(
    rng: random.Random, episode: Episode, occasion: Occasion, today: dt.date
) -> dt.date | None:
    if rng.random() >= COMPLETION[occasion.timepoint] * (0.55 + 0.5 * episode.engagement):
        return None
    low, high = ANSWERED_AROUND.get(occasion.timepoint, FOLLOW_UP_AROUND)
    day = occasion.due_on + rng.randint(low, high) * DAY
    day = min(occasion.closes_on, max(occasion.opens_on, day))
    return day if day <= today else None


def planned(episode: Episode, today: dt.date, seed: int) -> list[Planned]:
    """The answered occasions of one episode, by due date. Deterministic per episode."""
    rng = seeded(seed, "answered", episode.pk)
    dates = EpisodeDates(episode.referred_on, episode.admitted_on, episode.discharged_on)
    sessions: dict[tuple[str, dt.date], tuple[int, dt.date | None]] = {}
    found = []
    for occasion in occasions(episode.program.spec.schedule, dates, until=today):
        key = (occasion.timepoint, occasion.due_on)
        if key not in sessions:
            sessions[key] = (len(sessions), _collected(rng, episode, occasion, today))
        session, collected = sessions[key]
        if collected is not None and rng.random() < ITEM_COMPLETION:
            found.append(
                Planned(
                    occasion.instrument, occasion.timepoint, occasion.due_on, collected, session
                )
            )
    return found


def _counts(plan: Plan, today: dt.date, seed: int) -> list[tuple[int, int, int]]:
    """(episode pk, responses, weekly responses) per episode."""
    result = []
    for episode in plan.episodes:
        found = planned(episode, today, seed)
        result.append((episode.pk, len(found), sum(p.timepoint == "weekly" for p in found)))
    return result


def fit(
    target: int, seed: int, today: dt.date, span: int
) -> tuple[Plan, dict[int, frozenset[int]]]:
    """A plan with at least ``target`` answered occasions, and the weekly answers to leave
    out (as more missed weeks) so that exactly ``target`` remain: {episode pk: ordinals}."""
    trial = build_plan(seed, 2000, today, span)
    per_episode = sum(n for _, n, _ in _counts(trial, today, seed)) / len(trial.episodes)
    count = math.ceil(target / per_episode * 1.01)
    while True:
        full = build_plan(seed, count, today, span)
        counts = _counts(full, today, seed)
        total = sum(n for _, n, _ in counts)
        if total >= target:
            break
        count = math.ceil(count * target / total * 1.01)
    excess = total - target
    weekly_total = sum(w for _, _, w in counts)
    picks = sorted(seeded(seed, "drops", count).sample(range(weekly_total), excess))
    drops: dict[int, set[int]] = {}
    at = start = 0
    for pk, _, weekly in counts:
        while at < len(picks) and picks[at] < start + weekly:
            drops.setdefault(pk, set()).add(picks[at] - start)
            at += 1
        start += weekly
    return full, {pk: frozenset(ordinals) for pk, ordinals in drops.items()}


def _latent(rng: random.Random, episode: Episode, item: Planned, offset: float) -> float:
    base = episode.substance if item.instrument in SUBSTANCE else episode.distress
    base = min(1.0, max(0.0, base + offset))
    if item.timepoint == "intake":
        return base
    end = base * (1 - episode.change)
    if item.timepoint in FOLLOW_UP_DAYS:
        drift = episode.relapse * FOLLOW_UP_DAYS[item.timepoint] / 180
        return end + (base - end) * drift + rng.gauss(0, 0.05)
    if item.timepoint == "discharge" or episode.admitted_on is None:
        return end + rng.gauss(0, 0.04)
    length = max(1, (episode.ends_on - episode.admitted_on).days)
    progress = min(1.0, max(0.0, (item.collected_on - episode.admitted_on).days / length))
    return base * (1 - episode.change * math.pow(progress, 0.8)) + rng.gauss(0, 0.06)


def _session(
    rng: random.Random, episode: Episode, item: Planned, today: dt.date
) -> tuple[str, int | None, dt.datetime]:
    """Source, transcriber and submission time of one sitting."""
    if item.timepoint in ANSWERED_AROUND:
        source = rng.choices(("portal", "kiosk", "paper", "api"), (0.5, 0.3, 0.12, 0.08))[0]
    else:
        source = rng.choices(("portal", "paper", "api"), (0.8, 0.1, 0.1))[0]
    day, at = item.collected_on, dt.time(rng.randint(7, 22), rng.randrange(60), rng.randrange(60))
    track = next((t for t in episode.program.tracks if t.pk == episode.track_pk), None)
    if source == "kiosk" and track is not None:
        start = dt.datetime.combine(day, track.spec.starts_at)
        at = (start - dt.timedelta(minutes=rng.randint(5, 40))).time()
    entered_by = None
    if source == "paper":
        entered_by = episode.therapist or episode.coordinator
        day = min(today, day + rng.randint(0, 2) * DAY)
        at = dt.time(rng.randint(9, 16), rng.randrange(60), rng.randrange(60))
    local = dt.datetime.combine(day, at, episode.program.zone)
    return source, entered_by, local.astimezone(dt.UTC)


def _episode_rows(
    episode: Episode,
    found: Sequence[Planned],
    skip: frozenset[int],
    pools: Pools,
    today: dt.date,
    seed: int,
) -> Iterator[tuple[dt.datetime, Row]]:
    rng = seeded(seed, "values", episode.pk)
    offsets = {instrument: rng.gauss(0, 0.08) for instrument in INSTRUMENT_ORDER}
    sittings: dict[int, tuple[str, int | None, dt.datetime]] = {}
    weekly = -1
    for item in found:
        if item.timepoint == "weekly":
            weekly += 1
            if weekly in skip:
                continue
        latent = _latent(rng, episode, item, offsets[item.instrument])
        scored = pools[item.instrument][level_of(latent)][rng.randrange(POOL_SIZE)]
        if item.session in sittings:
            source, entered_by, previous = sittings[item.session]
            submitted = previous + dt.timedelta(seconds=rng.randint(45, 300))
        else:
            source, entered_by, submitted = _session(rng, episode, item, today)
        sittings[item.session] = (source, entered_by, submitted)
        instrument = instruments.INSTRUMENTS[item.instrument]
        language = episode.language if episode.language in instrument.languages else "en"
        yield submitted, (
            episode.patient, episode.pk, item.instrument, instrument.version, language,
            item.timepoint, item.due_on, item.collected_on, submitted, source, entered_by,
            scored.answers, scored.total, scored.severity, scored.subscales, scored.flags,
            scored.answered, scored.prorated,
        )  # fmt: skip


def rows(
    plan: Plan, drops: dict[int, frozenset[int]], pools: Pools, today: dt.date, seed: int
) -> Iterator[Row]:
    """Every response row (COLUMNS order), in submission order with ids from 1.

    Episodes are planned in start order and none answers anything more than 21 days before
    it starts, so a buffer of the last month's rows is enough to emit them in time order."""
    pending: list[tuple[dt.datetime, int, Row]] = []
    sequence, next_id = 0, 1
    empty: frozenset[int] = frozenset()
    for episode in plan.episodes:
        start = episode.admitted_on or episode.referred_on
        watermark = dt.datetime.combine(start - 30 * DAY, dt.time(), dt.UTC)
        while pending and pending[0][0] < watermark:
            yield (next_id, *heapq.heappop(pending)[2])
            next_id += 1
        found = planned(episode, today, seed)
        skip = drops.get(episode.pk, empty)
        for submitted, row in _episode_rows(episode, found, skip, pools, today, seed):
            heapq.heappush(pending, (submitted, sequence, row))
            sequence += 1
    while pending:
        yield (next_id, *heapq.heappop(pending)[2])
        next_id += 1
