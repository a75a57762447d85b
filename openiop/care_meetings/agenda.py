"""The agenda builder: which admitted patients the team discusses this week, and why.

An adapter in the sense of CONVENTIONS §1: it reads what the rules need for every admitted
episode of one program in a FIXED number of queries, whatever the number of patients (12:
the episodes, then ``facts.Facts.load``; asserted in tests/care_meetings/test_agenda.py; the
200-patient build is timed by ``bench/agenda.py``), calls the pure rules (``engines.relapse``, ``engines.outcomes``,
``engines.occasions``, ``openiop.billing.authorizations.derive``) and returns JSON-ready
reasons. It reads the clock (``clock.now()``, the program's local date) and writes nothing;
``openiop.care_meetings.services`` saves the result and audits it.

Reasons (codes are stable; ``REASON_LABELS`` are what people read):

1. ``functional_relapse``: the composite signal of ``engines.relapse.signal`` fired; the
   reason carries every component with its value, threshold and whether it fired.
2. ``authorization_ending``: an authorization needs attention within billing's
   ``WARNING_DAYS`` (7): review due, approval ending, units running out or used up. The rule
   is billing's own (``AuthorizationStatus.needs_attention``, later approvals supersede).
3. ``attendance_review``: an open attendance-policy review (``AttendanceReview``: "it stays
   open on the team meeting's agenda until someone resolves it").
4. ``phase_transition_due``: the episode's phase is behind the week of treatment it is in
   (stabilization weeks 1–4, core 5–12, taper from 13, counted from ``admitted_on``: the
   phase plan of ``openiop.admissions.services.admission``).
5. ``discharge_readiness``: the active treatment plan's goals are met
   (``openiop.treatment_plans.selectors.discharge_readiness``: some objective met, none
   open), or an instrument has plateaued (``engines.relapse.plateau``, a project definition).
6. ``new_admission``: admitted since the start of the week of the program's previous meeting
   (its ``week_start``), or in the last 7 days when there was none. A patient admitted early
   in the previous meeting's week may so be introduced twice: better twice than never, and
   the rule does not depend on when someone clicked "open".

``added_by_hand`` is the reason a staff member gives when putting a patient on the agenda
(``services.agenda_item_add``); the builder never produces it.

Windows: "recent" is the 14 days of ``engines.relapse.RULES.recent_days``. Events (drug
screens, missed sessions, questionnaires due) count from local midnight 14 days ago to now;
attendance counts whole days, the 14 days before today against the up to 28 days before
those (today's sessions may not have happened yet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from engines.occasions import Status
from engines.relapse import (
    RULES,
    AttendanceHistory,
    ComponentCode,
    RelapseInputs,
    RelapseSignal,
    functional_relapse,
    plateaus,
)
from openiop.admissions.services.admission import CORE_FROM, TAPER_FROM
from openiop.care_meetings.facts import DAY, Facts
from openiop.core import clock
from openiop.measures.schedule import occasion_statuses
from openiop.patients.models import EpisodeOfCare, EpisodeState, Phase
from openiop.programs.models import Program

PHASE_ORDER = (Phase.STABILIZATION, Phase.CORE, Phase.TAPER)


class ReasonCode(StrEnum):
    FUNCTIONAL_RELAPSE = "functional_relapse"
    AUTHORIZATION_ENDING = "authorization_ending"
    ATTENDANCE_REVIEW = "attendance_review"
    PHASE_TRANSITION_DUE = "phase_transition_due"
    DISCHARGE_READINESS = "discharge_readiness"
    NEW_ADMISSION = "new_admission"
    ADDED_BY_HAND = "added_by_hand"


REASON_LABELS: dict[str, str] = {
    ReasonCode.FUNCTIONAL_RELAPSE: "Functional-relapse signal",
    ReasonCode.AUTHORIZATION_ENDING: "Authorization ending",
    ReasonCode.ATTENDANCE_REVIEW: "Attendance review open",
    ReasonCode.PHASE_TRANSITION_DUE: "Phase transition due",
    ReasonCode.DISCHARGE_READINESS: "Discharge readiness",
    ReasonCode.NEW_ADMISSION: "New admission",
    ReasonCode.ADDED_BY_HAND: "Added by hand",
}

#: Order on the agenda after the relapse signal (lower first): money and attendance rules
#: have deadlines; phase and discharge questions shape the plan; newcomers are introduced.
_RANK: dict[str, int] = {code: rank for rank, code in enumerate(ReasonCode)}


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    """One patient to discuss: the episode (patient loaded) and its reasons, JSON-ready."""

    episode: EpisodeOfCare
    reasons: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Agenda:
    """What the builder found: ``entries`` in agenda order, out of ``considered`` admitted
    episodes, on the program's local ``today``."""

    program: Program
    week_start: dt.date
    today: dt.date
    considered: int
    entries: list[AgendaEntry]


def week_start_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def severity_key(reasons: list[dict[str, Any]]) -> tuple[int, int, int, int]:
    """Agenda order of an item with these reasons (lower first): an open safety alert, then
    a fired relapse signal by score, then the most urgent other reason."""
    relapse = next((r for r in reasons if r["code"] == ReasonCode.FUNCTIONAL_RELAPSE), None)
    fired = {c["code"] for c in relapse["components"] if c["fired"]} if relapse else set()
    return (
        0 if ComponentCode.OPEN_SAFETY_ALERT in fired else 1,
        0 if relapse else 1,
        -int(relapse["score"]) if relapse else 0,
        min((_RANK.get(r["code"], len(_RANK)) for r in reasons), default=len(_RANK)),
    )


def build_agenda(program: Program, *, week_start: dt.date) -> Agenda:
    """The agenda of ``program`` for the week starting ``week_start``, from the data as it
    is now. Reads only (12 queries, or 11 when no authorization is approved); no audit: the
    caller saves and audits what it shows."""
    now = clock.now()
    today = clock.localdate(program.zone, now)
    episodes = list(
        EpisodeOfCare.objects.filter(program=program, state=EpisodeState.ADMITTED)
        .select_related("patient", "program")
        .order_by("patient__legal_family_name", "patient__legal_given_name", "pk")
    )
    facts = Facts.load(program, episodes, now=now, today=today, week_start=week_start)
    entries = []
    for episode in episodes:
        reasons = _reasons(episode, facts)
        if reasons:
            entries.append(AgendaEntry(episode, reasons))
    entries.sort(key=lambda e: severity_key(e.reasons))  # stable: names break ties
    return Agenda(program, week_start, today, len(episodes), entries)


def _reasons(episode: EpisodeOfCare, facts: Facts) -> list[dict[str, Any]]:
    candidates = (
        _relapse(episode, facts),
        _authorization(episode, facts),
        _review(episode, facts),
        _phase(episode, facts.today),
        _discharge(episode, facts),
        _new(episode, facts),
    )
    return [r for r in candidates if r is not None]


def _reason(code: ReasonCode, detail: str, **extra: Any) -> dict[str, Any]:
    return {"code": code.value, "label": REASON_LABELS[code], "detail": detail, **extra}


def _relapse_inputs(episode: EpisodeOfCare, facts: Facts) -> RelapseInputs:
    today = facts.today
    recent, baseline = facts.attendance.get(episode.pk, (0, 0))
    admitted_on = episode.admitted_on or today
    baseline_start = max(admitted_on, today - (RULES.recent_days + RULES.baseline_days) * DAY)
    baseline_days = max(0, (today - RULES.recent_days * DAY - baseline_start).days)
    return RelapseInputs(
        series=tuple(facts.series.get(episode.pk, ())),
        attendance=AttendanceHistory(recent, baseline, baseline_days),
        missed_questionnaires=_missed_questionnaires(episode, facts),
        missed_individual_sessions=facts.missed_sessions.get(episode.pk, 0),
        positive_screens=facts.screens.get(episode.pk, 0),
        open_safety_alerts=facts.alerts.get(episode.pk, 0),
    )


def _missed_questionnaires(episode: EpisodeOfCare, facts: Facts) -> int:
    since = facts.today - RULES.recent_days * DAY
    statuses = occasion_statuses(
        episode, facts.schedule, facts.answered.get(episode.pk, set()), today=facts.today
    )
    return sum(
        1
        for occasion, status in statuses
        if since <= occasion.due_on <= facts.today and status in (Status.OVERDUE, Status.MISSED)
    )


def signal_json(signal: RelapseSignal) -> dict[str, Any]:
    """The signal as the ``functional_relapse`` reason stores it."""
    fired = ", ".join(c.label.lower() for c in signal.fired_components) or "nothing"
    return _reason(
        ReasonCode.FUNCTIONAL_RELAPSE,
        f"Score {signal.score} (fires at {signal.fire_at}): {fired}.",
        score=signal.score,
        fire_at=signal.fire_at,
        components=[{**asdict(c), "code": c.code.value} for c in signal.components],
    )


def _relapse(episode: EpisodeOfCare, facts: Facts) -> dict[str, Any] | None:
    signal = functional_relapse(_relapse_inputs(episode, facts))
    return signal_json(signal) if signal.fired else None


def _authorization(episode: EpisodeOfCare, facts: Facts) -> dict[str, Any] | None:
    alerts = facts.authorizations.get(episode.pk)
    if not alerts:
        return None
    parts = []
    for alert in alerts:
        auth, status = alert.authorization, alert.status
        why = " ".join(r.message for r in status.reasons)
        pending = " An extension request is awaiting the payer." if alert.extension_pending else ""
        parts.append(
            f"{auth.coverage.payer_name} ({auth.get_level_display()}), "
            f"{status.units_used} of {auth.approved_units} units used: {why}{pending}"
        )
    return _reason(
        ReasonCode.AUTHORIZATION_ENDING,
        " ".join(parts),
        authorizations=[a.authorization.pk for a in alerts],
    )


def _review(episode: EpisodeOfCare, facts: Facts) -> dict[str, Any] | None:
    reviews = facts.reviews.get(episode.pk)
    return _reason(ReasonCode.ATTENDANCE_REVIEW, "; ".join(reviews) + ".") if reviews else None


def expected_phase(admitted_on: dt.date, today: dt.date) -> Phase:
    """The phase of the week of treatment ``today`` is in (the admission phase plan)."""
    elapsed = today - admitted_on
    if elapsed >= TAPER_FROM:
        return Phase.TAPER
    return Phase.CORE if elapsed >= CORE_FROM else Phase.STABILIZATION


def _phase(episode: EpisodeOfCare, today: dt.date) -> dict[str, Any] | None:
    if episode.admitted_on is None or episode.phase not in PHASE_ORDER:
        return None
    expected = expected_phase(episode.admitted_on, today)
    current = Phase(episode.phase)
    if PHASE_ORDER.index(current) >= PHASE_ORDER.index(expected):
        return None
    week = (today - episode.admitted_on).days // 7 + 1
    return _reason(
        ReasonCode.PHASE_TRANSITION_DUE,
        f"Week {week} of treatment (admitted {episode.admitted_on:%Y-%m-%d}): still in "
        f"{current.label.lower()}; {expected.label.lower()} is the phase of this week.",
        week=week,
        phase=current.value,
        expected=expected.value,
    )


def _discharge(episode: EpisodeOfCare, facts: Facts) -> dict[str, Any] | None:
    goals_met = facts.goals_met.get(episode.pk, False)
    days = (facts.today - episode.admitted_on).days if episode.admitted_on else 0
    flat = plateaus(tuple(facts.series.get(episode.pk, ())), days_in_treatment=days)
    if not goals_met and not flat:
        return None
    parts = (
        ["Goals met: the active treatment plan has met objectives and none still open."]
        if goals_met
        else []
    )
    parts.extend(f"Plateau: {p.explanation}" for p in flat)
    return _reason(
        ReasonCode.DISCHARGE_READINESS,
        " ".join(parts),
        goals_met=goals_met,
        plateaus=[p.instrument for p in flat],
    )


def _new(episode: EpisodeOfCare, facts: Facts) -> dict[str, Any] | None:
    if episode.admitted_on is None or episode.admitted_on < facts.new_since:
        return None
    since = "since the last meeting" if facts.new_since_meeting else "in the last 7 days"
    return _reason(
        ReasonCode.NEW_ADMISSION, f"Admitted on {episode.admitted_on:%Y-%m-%d} ({since})."
    )
