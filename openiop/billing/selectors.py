"""Reads of the billing context, with a fixed number of queries however many coverages,
authorizations or plans there are. Callers authorize first (``openiop.billing.access`` or the
patient chart's ``chart_context``); the alert list starts from the user's own programs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, Q

from openiop.accounts.access import program_ids_with
from openiop.billing.authorizations import AuthorizationStatus, derive, terms_of
from openiop.billing.models import (
    Authorization,
    BenefitsVerification,
    Coverage,
    CoverageOrder,
    FeeDetermination,
    Installment,
    PaymentPlan,
    ProgramCharge,
    SlidingFeeScale,
)
from openiop.billing.service_days import service_dates_by_episode
from openiop.core import clock
from openiop.core.capabilities import Capability
from openiop.patients.models import OPEN_STATES, EpisodeOfCare
from openiop.programs.models import LevelOfCare, Program


@dataclass(frozen=True, slots=True)
class AuthorizationRow:
    authorization: Authorization
    status: AuthorizationStatus


def authorization_rows(
    authorizations: list[Authorization], today: dt.date
) -> list[AuthorizationRow]:
    """Each authorization with its derived state on ``today`` (the local date in their
    program's zone); one query for the service days of all their episodes, which need
    ``program`` loaded."""
    return _rows(authorizations, lambda _a: today)


def _rows(
    authorizations: list[Authorization], today_of: Callable[[Authorization], dt.date]
) -> list[AuthorizationRow]:
    """As ``authorization_rows``, with each authorization's own today (programs differ in
    zone)."""
    approved = [a for a in authorizations if a.approved_from and a.approved_to]
    if not approved:
        return [AuthorizationRow(a, derive(terms_of(a), [], today_of(a))) for a in authorizations]
    episodes = {a.episode_id: a.episode for a in authorizations}
    dates = service_dates_by_episode(
        episodes.values(),
        start=min(a.approved_from for a in approved if a.approved_from),
        end=max(a.approved_to for a in approved if a.approved_to),
    )
    return [
        AuthorizationRow(a, derive(terms_of(a), dates[a.episode_id], today_of(a)))
        for a in authorizations
    ]


@dataclass(frozen=True, slots=True)
class EpisodeBilling:
    """Everything about one episode's money. ``coverages`` are the patient's (current first,
    each with ``verification_list``, newest first, of this episode); the rest is the
    episode's own, newest first; ``plans`` carry ``installment_list``."""

    episode: EpisodeOfCare
    today: dt.date
    coverages: Sequence[Coverage]
    authorizations: list[AuthorizationRow]
    determination: FeeDetermination | None
    plans: list[PaymentPlan]

    def current(self, order: str) -> Coverage | None:
        return next((c for c in self.coverages if c.order == order and not c.ended_at), None)

    @property
    def primary(self) -> Coverage | None:
        return self.current(CoverageOrder.PRIMARY)

    @property
    def secondary(self) -> Coverage | None:
        return self.current(CoverageOrder.SECONDARY)

    @property
    def current_coverages(self) -> list[Coverage]:
        return [c for c in self.coverages if c.ended_at is None]

    @property
    def latest_verification(self) -> BenefitsVerification | None:
        found = [v for c in self.coverages for v in c.verification_list]  # type: ignore[attr-defined]
        return max(found, key=lambda v: v.verified_at, default=None)


def episode_billing(episode: EpisodeOfCare) -> EpisodeBilling:
    """Load an (authorized) episode's billing records in seven queries. ``episode`` needs
    ``program`` loaded."""
    today = clock.localdate(episode.program.zone)
    verifications = BenefitsVerification.objects.filter(episode=episode).select_related(
        "verified_by"
    )
    coverages = list(
        Coverage.objects.filter(patient_id=episode.patient_id)
        .prefetch_related(
            Prefetch(
                "verifications",
                queryset=verifications.order_by("-verified_at", "-pk"),
                to_attr="verification_list",
            )
        )
        .order_by(F("ended_at").desc(nulls_first=True), "order", "-effective_from", "-pk")
    )
    authorizations = list(
        Authorization.objects.filter(episode=episode)
        .select_related("coverage", "requested_by")
        .order_by("-requested_at", "-pk")
    )
    for authorization in authorizations:
        authorization.episode = episode  # the same row; saves a join per authorization
    return EpisodeBilling(
        episode=episode,
        today=today,
        coverages=coverages,
        authorizations=authorization_rows(authorizations, today),
        determination=latest_determination(episode),
        plans=payment_plans(episode),
    )


def latest_determination(episode: EpisodeOfCare) -> FeeDetermination | None:
    return (
        FeeDetermination.objects.filter(episode=episode)
        .select_related("determined_by", "scale")
        .order_by("-determined_at", "-pk")
        .first()
    )


def payment_plans(episode: EpisodeOfCare) -> list[PaymentPlan]:
    """The episode's plans, newest first, each with ``installment_list`` in order."""
    return list(
        PaymentPlan.objects.filter(episode=episode)
        .prefetch_related(
            Prefetch(
                "installments",
                queryset=Installment.objects.order_by("number"),
                to_attr="installment_list",
            )
        )
        .order_by("-created_at", "-pk")
    )


def current_scale(program: Program, today: dt.date) -> SlidingFeeScale | None:
    """The program's scale in force on ``today``: the latest that starts on or before it."""
    return (
        SlidingFeeScale.objects.filter(program=program, effective_from__lte=today)
        .order_by("-effective_from", "-pk")
        .first()
    )


def program_charges(program: Program) -> dict[str, ProgramCharge]:
    """level → the program's charge, for the levels it has one, in OP, IOP, PHP order."""
    found = {c.level: c for c in ProgramCharge.objects.filter(program=program)}
    return {level: found[level] for level in LevelOfCare.values if level in found}


@dataclass(frozen=True, slots=True)
class AuthorizationAlert:
    """An approved authorization that needs attention within the warning window, and
    whether an extension has already been asked for."""

    authorization: Authorization
    status: AuthorizationStatus
    today: dt.date
    extension_pending: bool

    @property
    def episode(self) -> EpisodeOfCare:
        return self.authorization.episode


def authorization_alerts(
    user: Any, *, capability: Capability = Capability.VIEW_PATIENTS
) -> list[AuthorizationAlert]:
    """Approved authorizations of open episodes in the programs where ``user`` holds
    ``capability`` whose review is due, whose units run out or that end within the warning
    window, or whose units are used up (``AuthorizationStatus.needs_attention``). An
    authorization followed by a later approval of the same episode is left out: the later one
    carries on. Three queries however many there are (memberships, authorizations, service
    days); soonest first. Does not audit: the page that lists them does."""
    program_ids = program_ids_with(user, capability)
    # Every program's local date lies within a day of the UTC date.
    floor = clock.now().date() - dt.timedelta(days=1)
    candidates = list(
        Authorization.objects.filter(
            episode__program_id__in=program_ids,
            episode__state__in=OPEN_STATES,
        )
        .filter(Q(decided_at__isnull=True) | Q(denied_reason="", approved_to__gte=floor))
        .select_related("episode__program", "episode__patient", "coverage")
        .order_by("pk")
    )
    todays = {a.episode.program_id: clock.localdate(a.episode.program.zone) for a in candidates}
    rows = _rows(candidates, lambda a: todays[a.episode.program_id])
    return alerts_from_rows(rows, todays)


def alerts_from_rows(
    rows: list[AuthorizationRow], todays: dict[int, dt.date]
) -> list[AuthorizationAlert]:
    by_episode: dict[int, list[Authorization]] = defaultdict(list)
    for row in rows:
        by_episode[row.authorization.episode_id].append(row.authorization)
    alerts = []
    for row in rows:
        auth = row.authorization
        siblings = by_episode[auth.episode_id]
        if not row.status.needs_attention or _superseded(auth, siblings):
            continue
        pending = any(s.decided_at is None and s.pk != auth.pk for s in siblings)
        alerts.append(
            AuthorizationAlert(auth, row.status, todays[auth.episode.program_id], pending)
        )
    return sorted(alerts, key=_urgency)


def _superseded(auth: Authorization, siblings: list[Authorization]) -> bool:
    return any(
        s.approved_to is not None
        and auth.approved_to is not None
        and not s.denied_reason
        and s.approved_to > auth.approved_to
        for s in siblings
    )


def _urgency(alert: AuthorizationAlert) -> tuple[dt.date, int]:
    status, auth = alert.status, alert.authorization
    dates = [auth.approved_to or alert.today]
    if status.runs_out_on is not None:
        dates.append(status.runs_out_on)
    if status.review_due_in_days is not None:
        dates.append(alert.today + dt.timedelta(days=status.review_due_in_days))
    return min(dates), auth.pk
