"""Reads of the medications context, each a fixed number of queries whatever the number of
rows (select_related / prefetch_related).

Exported for other contexts:
- ``active_watches_for(user, today)``: the facilitator's running watches (the today view).
- ``watches_by_episode(episode_ids, today)``: running watches per episode (chart, meeting).
- ``positive_screens(episode_ids, since)``: unexpected positive screens per episode (the
  care-team meeting's relapse signal).

These return Part 2 data in substance-use programs and write no audit row: the page that
shows them audits what it shows (``openiop.medications.access`` does so for this context's
own pages).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Lower

from openiop.accounts.access import program_ids_with
from openiop.accounts.models import Membership, User
from openiop.accounts.roles import ProgramRole
from openiop.core import clock
from openiop.core.capabilities import Capability
from openiop.medications.models import DrugScreen, Medication, MedicationChange, MedicationWatch
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Cohort, Program
from openiop.scheduling.models import ScheduledSession, SessionKind

#: How far around today a group session counts its clinician as one of the patient's
#: facilitators (project definition: two weeks back catches who knows the patient, two weeks
#: ahead who will see them during the watch).
FACILITATOR_WINDOW_DAYS = 14


def group_facilitator_ids(episode: EpisodeOfCare, today: dt.date) -> set[int]:
    """The patient's group facilitators on ``today`` (a program-local date): the current
    cohort's usual facilitator, plus the clinician of every live (not cancelled) group session
    of that cohort, or with the patient among its expected attendees, starting within
    ``FACILITATOR_WINDOW_DAYS`` before or after today. Only people who still hold an active
    membership in the program count (a watch they could not open helps nobody). Empty for a
    patient in no cohort and no group. At most three queries."""
    zone = episode.program.zone
    start = dt.datetime.combine(today - dt.timedelta(days=FACILITATOR_WINDOW_DAYS), dt.time(), zone)
    end = dt.datetime.combine(
        today + dt.timedelta(days=FACILITATOR_WINDOW_DAYS + 1), dt.time(), zone
    )
    in_group = Q(participants__episode=episode)
    ids: set[int] = set()
    if episode.cohort_id is not None:
        in_group |= Q(cohort_id=episode.cohort_id)
        usual = Cohort.objects.filter(pk=episode.cohort_id).values_list("facilitator_id", flat=True)
        ids.update(pk for pk in usual if pk is not None)
    sessions = ScheduledSession.objects.filter(
        in_group,
        kind=SessionKind.GROUP,
        cancelled_at__isnull=True,
        starts_at__gte=start,
        starts_at__lt=end,
    )
    ids.update(sessions.values_list("clinician_id", flat=True).distinct())
    if not ids:
        return ids
    members = Membership.objects.filter(
        program_id=episode.program_id, is_active=True, user__is_active=True, user_id__in=ids
    )
    return set(members.values_list("user_id", flat=True))


@dataclass(frozen=True, slots=True)
class MedicationChart:
    """What the chart tab shows for one episode: current medications (including scheduled
    starts) and stopped ones, each with its changes, and the watches running today."""

    today: dt.date
    current: list[Medication]
    stopped: list[Medication]
    watches: list[MedicationWatch]


def medication_list(episode: EpisodeOfCare) -> list[Medication]:
    """The episode's medications: current ones first (by drug), then stopped ones (latest
    stop first), with the prescriber and the history of changes (oldest first, with who made
    each) loaded. Two queries."""
    changes = MedicationChange.objects.select_related("changed_by").order_by(
        "effective_on", "changed_at", "pk"
    )
    return list(
        Medication.objects.filter(episode=episode)
        .select_related("prescriber")
        .prefetch_related(Prefetch("changes", queryset=changes))
        .order_by(F("stopped_on").desc(nulls_first=True), Lower("drug"), "pk")
    )


def medication_chart(episode: EpisodeOfCare, today: dt.date) -> MedicationChart:
    """The chart tab's content for ``episode`` on ``today``. Three queries."""
    medications = medication_list(episode)
    return MedicationChart(
        today=today,
        current=[m for m in medications if m.stopped_on is None],
        stopped=[m for m in medications if m.stopped_on is not None],
        watches=watches_by_episode([episode.pk], today).get(episode.pk, []),
    )


def prescribers_of(program: Program) -> list[User]:
    """Active prescribers of the program, by name: who may be named on a medication."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__program=program,
            memberships__is_active=True,
            memberships__role=ProgramRole.PRESCRIBER,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def _running(today: dt.date) -> Q:
    """A watch runs from its change's effective date through ``watch_until``."""
    return Q(watch_until__gte=today, change__effective_on__lte=today)


def active_watches_for(user: Any, today: dt.date) -> list[MedicationWatch]:
    """The watches set for ``user`` that run on ``today``, for admitted patients in programs
    where the user still views patients; seen ones included (``seen_at`` tells them apart).
    Each has ``episode.patient``, ``episode.program``, ``change.medication`` and
    ``change.changed_by`` loaded. Soonest end first. Two queries (the user's memberships,
    cached for the request, and the watches); empty for anyone who is not staff."""
    program_ids = program_ids_with(user, Capability.VIEW_PATIENTS)
    if not program_ids:
        return []
    return list(
        MedicationWatch.objects.filter(
            _running(today),
            facilitator_id=user.pk,
            episode__state=EpisodeState.ADMITTED,
            episode__program_id__in=program_ids,
        )
        .select_related(
            "episode__patient", "episode__program", "change__medication", "change__changed_by"
        )
        .order_by("watch_until", "episode__patient__legal_family_name", "pk")
    )


def watch_day(user: Any) -> dt.date:
    """The date a user's own watch list is drawn for: the earliest local date among the
    programs where they view patients, so a watch never drops off early in a program that is
    behind in time (the UTC date for someone with none). One query."""
    program_ids = program_ids_with(user, Capability.VIEW_PATIENTS)
    zones = Program.objects.filter(pk__in=program_ids).values_list("time_zone", flat=True)
    dates = [clock.localdate(ZoneInfo(zone)) for zone in set(zones)]
    return min(dates, default=clock.now().date())


def watches_by_episode(
    episode_ids: Iterable[int], today: dt.date
) -> dict[int, list[MedicationWatch]]:
    """episode id → the watches running on ``today`` for it (every facilitator), with
    ``facilitator`` and ``change.medication`` loaded, soonest end first. Episodes without one
    are absent. One query."""
    rows = (
        MedicationWatch.objects.filter(_running(today), episode_id__in=list(episode_ids))
        .select_related("facilitator", "change__medication")
        .order_by("watch_until", "facilitator__last_name", "pk")
    )
    result: defaultdict[int, list[MedicationWatch]] = defaultdict(list)
    for watch in rows:
        result[watch.episode_id].append(watch)
    return dict(result)


def drug_screen_list(episode: EpisodeOfCare) -> list[DrugScreen]:
    """The episode's drug screens, latest collection first, with who recorded each. One
    query. Part 2 data: the caller audits the read (``access.drug_screens_read``)."""
    return list(
        DrugScreen.objects.filter(episode=episode)
        .select_related("recorded_by")
        .order_by("-collected_on", "-recorded_at", "-pk")
    )


def positive_screens(episode_ids: Iterable[int], since: dt.date) -> dict[int, int]:
    """episode id → number of unexpected positive screens collected on or after ``since``
    (an ``expected`` positive for a prescribed drug does not count). Episodes without one are
    absent. One query. Part 2 data: the caller audits what it shows."""
    rows = (
        DrugScreen.objects.filter(
            episode_id__in=list(episode_ids), positive=True, collected_on__gte=since
        )
        .values("episode_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {row["episode_id"]: row["count"] for row in rows}
