"""Which weekly-hours minimum applies to a patient, and the authorization that covers them
this week.

The default is the program's own ``Program.min_weekly_hours``, which ``program_create`` sets
from the level of care: IOP 9 h/week (ASAM 3rd ed. level 2.1, 9–19 h/week for adults,
clinical.md §1.1; Medicare's IOP benefit certifies a need of at least 9 h/week, clinical.md
§1.4) and PHP 20 h/week (ASAM level 2.5, ≥ 20 h/week, clinical.md §1.1 and §1.4). A payer may
state its own minimum for a program (``PayerHoursMinimum``, entered with its source on the
program's hour-minimums page): it applies to a patient whose current primary coverage names
that payer, compared ignoring case and spacing ("Encode thresholds per jurisdiction/payer, not
globally", clinical.md §1.1).

Reads only; a fixed number of queries however many episodes are asked about. Callers
authorize the episodes first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from openiop.billing.authorizations import AuthorizationStatus, derive, terms_of
from openiop.billing.models import Authorization, Coverage, CoverageOrder, PayerHoursMinimum
from openiop.billing.service_days import service_dates_by_episode
from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import LevelOfCare, Program

_MAX_ID = 2**63 - 1

#: Where the program defaults come from, shown next to a minimum that is not a payer's.
PROGRAM_DEFAULT_SOURCES: dict[str, str] = {
    LevelOfCare.IOP: "ASAM 3rd ed. level 2.1 (9–19 h/week); Medicare IOP ≥ 9 h/week "
    "(clinical.md §1.1, §1.4)",
    LevelOfCare.PHP: "ASAM 3rd ed. level 2.5 (≥ 20 h/week); Medicare PHP ≥ 20 h/week "
    "(clinical.md §1.1, §1.4)",
    LevelOfCare.OP: "ASAM 3rd ed. level 1 (< 9 h/week; no minimum) (clinical.md §1.1)",
}


class MinimumSource(StrEnum):
    PROGRAM = "program"
    PAYER = "payer"


@dataclass(frozen=True, slots=True)
class HoursMinimum:
    """The weekly minimum for one patient: ``hours``, whether it is the program's or a
    payer's, the payer's name when it is theirs, and where the figure comes from."""

    hours: Decimal
    source: MinimumSource
    citation: str
    payer_name: str = ""

    @property
    def minutes(self) -> int:
        return int(self.hours * 60)

    @property
    def label(self) -> str:
        if self.source is MinimumSource.PAYER:
            return f"{self.hours} h ({self.payer_name})"
        return f"{self.hours} h (program)"


def payer_key(name: str) -> str:
    """A payer name as compared: case-folded, inner spacing collapsed, ends trimmed."""
    return " ".join(name.split()).casefold()


def program_minimum(program: Program) -> HoursMinimum:
    """The program's own minimum, cited by its level of care."""
    return HoursMinimum(
        hours=Decimal(program.min_weekly_hours),
        source=MinimumSource.PROGRAM,
        citation=PROGRAM_DEFAULT_SOURCES.get(program.level_of_care, "Program setting"),
    )


def minimum_for(
    episode: EpisodeOfCare,
    coverage_payer: str | None,
    payer_minimums: Iterable[PayerHoursMinimum],
) -> HoursMinimum:
    """The minimum for ``episode`` (``program`` loaded) whose current primary coverage names
    ``coverage_payer`` (None when self-pay): the payer's minimum for the episode's program
    when one is set, else the program's. Pure: ``payer_minimums`` are passed in."""
    if coverage_payer:
        key = payer_key(coverage_payer)
        for row in payer_minimums:
            if row.program_id == episode.program_id and payer_key(row.payer_name) == key:
                return HoursMinimum(
                    hours=Decimal(row.min_weekly_hours),
                    source=MinimumSource.PAYER,
                    citation=row.source,
                    payer_name=row.payer_name,
                )
    return program_minimum(episode.program)


def primary_payers(episodes: Sequence[EpisodeOfCare]) -> dict[int, str]:
    """patient id → the payer name of their current primary coverage (one query)."""
    rows = (
        Coverage.objects.filter(
            patient_id__in={e.patient_id for e in episodes},
            order=CoverageOrder.PRIMARY,
            ended_at__isnull=True,
        )
        .order_by("patient_id", "-effective_from", "-pk")
        .values_list("patient_id", "payer_name")
    )
    found: dict[int, str] = {}
    for patient_id, payer in rows:
        found.setdefault(patient_id, payer)
    return found


def minimums_for(episodes: Sequence[EpisodeOfCare]) -> dict[int, HoursMinimum]:
    """episode id → its weekly minimum (see the module docstring). Two queries for any
    number of episodes; each needs ``program`` loaded."""
    if not episodes:
        return {}
    payers = primary_payers(episodes)
    rows = list(PayerHoursMinimum.objects.filter(program_id__in={e.program_id for e in episodes}))
    return {e.pk: minimum_for(e, payers.get(e.patient_id), rows) for e in episodes}


def payer_minimum_list(program: Program) -> list[PayerHoursMinimum]:
    """The program's payer minimums by payer name (one query)."""
    return list(PayerHoursMinimum.objects.filter(program=program).order_by("payer_name", "pk"))


def payer_minimum_get(program: Program, minimum_id: int) -> PayerHoursMinimum | None:
    """The program's minimum with that id; None when missing or another program's."""
    if not 0 < minimum_id <= _MAX_ID:
        return None
    return PayerHoursMinimum.objects.filter(pk=minimum_id, program=program).first()


@dataclass(frozen=True, slots=True)
class CoveringAuthorization:
    """The authorization that covers an episode on a day, with its derived state."""

    authorization: Authorization
    status: AuthorizationStatus


def _covering(candidates: list[Authorization], today: dt.date) -> Authorization | None:
    """The approval in force on ``today`` (the latest-starting one), else the most recently
    requested authorization of any state."""
    in_force = [
        a
        for a in candidates
        if a.decided_at is not None
        and not a.denied_reason
        and a.approved_from is not None
        and a.approved_to is not None
        and a.approved_from <= today <= a.approved_to
    ]
    if in_force:
        return max(in_force, key=lambda a: (a.approved_from or today, a.pk))
    return max(candidates, key=lambda a: (a.requested_at, a.pk), default=None)


def covering_authorizations(
    episodes: Sequence[EpisodeOfCare], todays: Mapping[int, dt.date]
) -> dict[int, CoveringAuthorization]:
    """episode id → the authorization covering it on its program's ``todays[program_id]``,
    with the state ``openiop.billing.authorizations.derive`` gives it (units used, remaining,
    expiring). Episodes without any authorization are left out. Two queries (authorizations,
    service days) for any number of episodes; each needs ``program`` loaded."""
    by_episode: dict[int, list[Authorization]] = defaultdict(list)
    rows = Authorization.objects.filter(episode__in=list(episodes)).select_related("coverage")
    for row in rows:
        by_episode[row.episode_id].append(row)
    chosen = {
        e.pk: found
        for e in episodes
        if (found := _covering(by_episode.get(e.pk, []), todays[e.program_id])) is not None
    }
    approved = [a for a in chosen.values() if a.approved_from and a.approved_to]
    dates: dict[int, list[dt.date]] = {}
    if approved:
        dates = service_dates_by_episode(
            [e for e in episodes if e.pk in chosen],
            start=min(a.approved_from for a in approved if a.approved_from),
            end=max(a.approved_to for a in approved if a.approved_to),
        )
    return {
        e.pk: CoveringAuthorization(
            chosen[e.pk],
            derive(terms_of(chosen[e.pk]), dates.get(e.pk, []), todays[e.program_id]),
        )
        for e in episodes
        if e.pk in chosen
    }
