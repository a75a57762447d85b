"""Writes of the measurement context: recording answers, raising and acknowledging safety
alerts, and the portal links patients answer through. Each service validates, writes and
audits in one transaction; a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction

import engines.instruments as instruments
from engines.occasions import Occasion, Status
from openiop.accounts.models import Membership, User
from openiop.accounts.roles import ProgramRole
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.errors import InvalidTransition
from openiop.core.tokens import new_token, token_hash
from openiop.measures.errors import (
    ActionRequired,
    AlreadyAnswered,
    InvalidAnswers,
    LinkExpired,
    LinkInvalid,
    LinkUsed,
    NothingDue,
    NotScheduled,
    OccasionClosed,
)
from openiop.measures.models import (
    AlertNotice,
    MeasureResponse,
    PortalLink,
    SafetyAlert,
    ScheduleEntry,
    Source,
    Timepoint,
)
from openiop.measures.schedule import (
    episode_occasions,
    episode_today,
    occasion_statuses,
    schedule_pairs,
)
from openiop.patients.models import CareTeam, EpisodeOfCare
from openiop.programs.models import Program

PORTAL_LINK_LIFETIME = dt.timedelta(hours=72)
KIOSK_LINK_LIFETIME = dt.timedelta(minutes=30)
MIN_ACTION_LENGTH = 10


def _entry(action: str, episode: EpisodeOfCare, obj: str, pk: int, **detail: object) -> Entry:
    category = DataCategory.SAFETY if obj == "safety_alert" else DataCategory.MEASURES
    return Entry(
        action=action,
        category=category,
        patient_id=episode.patient_id,
        part2=episode.program.is_part2,
        object_type=obj,
        object_id=str(pk),
        detail=dict(detail),
    )


@transaction.atomic
def schedule_set(
    *, actor: Actor, program: Program, entries: Sequence[tuple[str, Timepoint]]
) -> list[ScheduleEntry]:
    """Replace a program's measurement schedule. Unknown instruments raise InvalidAnswers.
    Audits MEASURE_SCHEDULE_CHANGED (configuration, no patient data)."""
    for instrument_id, _ in entries:
        _instrument(instrument_id)
    ScheduleEntry.objects.filter(program=program).delete()
    created = ScheduleEntry.objects.bulk_create(
        ScheduleEntry(program=program, instrument=_instrument(i).id, timepoint=t)
        for i, t in sorted(set(entries))
    )
    audit_record(
        actor=actor,
        entry=Entry(
            action="MEASURE_SCHEDULE_CHANGED",
            category=DataCategory.NONE,
            object_type="program",
            object_id=str(program.pk),
            detail={"entries": [f"{e.instrument}:{e.timepoint}" for e in created]},
        ),
    )
    return created


def _instrument(instrument_id: str, version: str | None = None) -> instruments.Instrument:
    try:
        return instruments.get(instrument_id, version)
    except instruments.ScoringError as error:
        raise InvalidAnswers(error.message, code=error.code, instrument=instrument_id) from None


def _score(
    instrument: instruments.Instrument, answers: Sequence[int | None], language: str
) -> instruments.Score:
    try:
        return instruments.score(instrument, answers, language=language)
    except instruments.ScoringError as error:
        raise InvalidAnswers(error.message, code=error.code, instrument=instrument.id) from None


def _open_occasion(
    episode: EpisodeOfCare, instrument: str, timepoint: str, due_on: dt.date, on: dt.date
) -> Occasion:
    """The occasion a submission answers, if its window is open on ``on`` (the day the
    patient answered). Raises NotScheduled or OccasionClosed with a sentence the patient or
    clinician can act on."""
    schedule = schedule_pairs(episode.program_id)
    for occasion in episode_occasions(episode, schedule, today=episode_today(episode)):
        if occasion.key != (instrument, timepoint, due_on):
            continue
        status = occasion.status(on, ())
        if status is Status.MISSED:
            raise OccasionClosed(
                f"This questionnaire could be answered until {occasion.closes_on:%b %d, %Y}; "
                "that window has closed."
            )
        if status is Status.UPCOMING:
            raise NotScheduled(f"This questionnaire opens on {occasion.opens_on:%b %d, %Y}.")
        return occasion
    if episode.discharged_on is not None:
        raise OccasionClosed(
            "This questionnaire is not part of this episode's schedule any more: "
            "the episode ended on "
            f"{episode.discharged_on:%b %d, %Y}."
        )
    raise NotScheduled("No questionnaire of this kind is due on that date for this episode.")


@dataclass(frozen=True, slots=True)
class Recorded:
    response: MeasureResponse
    alert: SafetyAlert | None


@transaction.atomic
def response_record(
    *,
    actor: Actor,
    episode: EpisodeOfCare,
    instrument_id: str,
    answers: Sequence[int | None],
    timepoint: str,
    due_on: dt.date,
    source: Source,
    language: str = "en",
    version: str | None = None,
    entered_by: User | None = None,
    collected_on: dt.date | None = None,
) -> Recorded:
    """Score and store one completed questionnaire for an open occasion of ``episode``.

    ``collected_on`` is the local date the patient answered (default today), for a paper
    form or an offline device that is entered later; it must lie in the occasion's window
    and not in the future.

    A safety flag raises a SafetyAlert in the same transaction. Audits
    MEASURE_RESPONSE_RECORDED (and SAFETY_ALERT_RAISED). Raises InvalidAnswers,
    NotScheduled, OccasionClosed or AlreadyAnswered; nothing is written then.
    """
    instrument = _instrument(instrument_id, version)
    today = episode_today(episode)
    on = collected_on or today
    if on > today:
        raise NotScheduled("The date answered cannot be in the future.")
    occasion = _open_occasion(episode, instrument.id, timepoint, due_on, on)
    if MeasureResponse.objects.filter(
        episode=episode, instrument=instrument.id, timepoint=timepoint, due_on=due_on
    ).exists():
        raise AlreadyAnswered(
            f"The {instrument.short_title} for this occasion is already recorded."
        )
    result = _score(instrument, answers, language)
    response = _save_response(
        episode, occasion, instrument, result, answers, source, entered_by, on
    )
    audit_record(
        actor=actor,
        entry=_entry(
            "MEASURE_RESPONSE_RECORDED",
            episode,
            "measure_response",
            response.pk,
            instrument=instrument.id,
            timepoint=timepoint,
            source=source.value,
        ),
    )
    alert = _raise_alert(actor, episode, response, result) if result.safety else None
    return Recorded(response, alert)


def _save_response(
    episode: EpisodeOfCare,
    occasion: Occasion,
    instrument: instruments.Instrument,
    result: instruments.Score,
    answers: Sequence[int | None],
    source: Source,
    entered_by: User | None,
    collected_on: dt.date,
) -> MeasureResponse:
    response = MeasureResponse(
        patient_id=episode.patient_id,
        episode=episode,
        instrument=instrument.id,
        version=instrument.version,
        language=result.language,
        timepoint=occasion.timepoint,
        due_on=occasion.due_on,
        collected_on=collected_on,
        submitted_at=clock.now(),
        source=source,
        entered_by=entered_by,
        answers=list(answers),
        total=result.total,
        severity=result.severity or "",
        subscales=dict(result.subscales),
        flags=[{"code": f.code, "label": f.label, "safety": f.safety} for f in result.flags],
        answered=result.completeness.answered,
        prorated=result.completeness.prorated,
    )
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:  # a concurrent submission for the same occasion won
        raise AlreadyAnswered(
            f"The {instrument.short_title} for this occasion is already recorded."
        ) from None
    return response


def _recipients(episode: EpisodeOfCare) -> dict[int, AlertNotice.Reason]:
    """Primary clinician and on-call staff; the program director when there is neither, so
    an alert always reaches a person."""
    recipients: dict[int, AlertNotice.Reason] = {}
    active = Membership.objects.filter(program_id=episode.program_id, is_active=True)
    for user_id in active.filter(on_call=True).values_list("user_id", flat=True):
        recipients[user_id] = AlertNotice.Reason.ON_CALL
    primary = (
        CareTeam.objects.filter(episode=episode)
        .values_list("primary_therapist_id", flat=True)
        .first()
    )
    if primary is not None:
        recipients[primary] = AlertNotice.Reason.PRIMARY_CLINICIAN
    if not recipients:
        directors = active.filter(role=ProgramRole.PROGRAM_DIRECTOR)
        for user_id in directors.values_list("user_id", flat=True):
            recipients[user_id] = AlertNotice.Reason.DIRECTOR
    return recipients


def _raise_alert(
    actor: Actor, episode: EpisodeOfCare, response: MeasureResponse, result: instruments.Score
) -> SafetyAlert:
    reasons = [{"code": f.code, "label": f.label} for f in result.flags if f.safety]
    alert = SafetyAlert.objects.create(
        patient_id=episode.patient_id,
        episode=episode,
        response=response,
        reasons=reasons,
        raised_at=clock.now(),
    )
    recipients = _recipients(episode)
    AlertNotice.objects.bulk_create(
        AlertNotice(alert=alert, recipient_id=user_id, reason=reason)
        for user_id, reason in recipients.items()
    )
    audit_record(
        actor=actor,
        entry=_entry(
            "SAFETY_ALERT_RAISED",
            episode,
            "safety_alert",
            alert.pk,
            reasons=[r["code"] for r in reasons],
            recipients=sorted(recipients),
        ),
    )
    return alert


@transaction.atomic
def alert_acknowledge(
    *, actor: Actor, alert: SafetyAlert, by: User, action_taken: str
) -> SafetyAlert:
    """Close an open safety alert with the action taken (e.g. "Same-day risk assessment done;
    safety plan reviewed with patient"). Audits SAFETY_ALERT_ACKNOWLEDGED. Raises
    InvalidTransition when already acknowledged, ActionRequired when the action is missing."""
    locked = (
        SafetyAlert.objects.select_for_update().select_related("episode__program").get(pk=alert.pk)
    )
    if locked.acknowledged_at is not None:
        raise InvalidTransition("This alert was already acknowledged.")
    text = action_taken.strip()
    if len(text) < MIN_ACTION_LENGTH:
        raise ActionRequired(
            f"Describe the action taken (at least {MIN_ACTION_LENGTH} characters).",
            field="action_taken",
        )
    locked.acknowledged_at = clock.now()
    locked.acknowledged_by = by
    locked.action_taken = text
    locked.save(update_fields=["acknowledged_at", "acknowledged_by", "action_taken"])
    audit_record(
        actor=actor,
        entry=_entry("SAFETY_ALERT_ACKNOWLEDGED", locked.episode, "safety_alert", locked.pk),
    )
    return locked


def due_now(episode: EpisodeOfCare) -> list[Occasion]:
    """Occasions of ``episode`` that can be answered today and are not answered yet."""
    today = episode_today(episode)
    answered = set(
        MeasureResponse.objects.filter(episode=episode).values_list(
            "instrument", "timepoint", "due_on"
        )
    )
    schedule = schedule_pairs(episode.program_id)
    return [
        o
        for o, status in occasion_statuses(episode, schedule, answered, today=today)
        if status in (Status.DUE, Status.OVERDUE)
    ]


@transaction.atomic
def portal_link_create(
    *, actor: Actor, episode: EpisodeOfCare, created_by: User, kiosk: bool = False
) -> tuple[PortalLink, str]:
    """A single-use link to the questionnaires due now for the episode's patient (72 hours;
    30 minutes for a kiosk hand-over). Returns the link and its token, which is shown once
    and never stored. Audits PORTAL_LINK_CREATED. Raises NothingDue."""
    due = due_now(episode)
    if not due:
        raise NothingDue("No questionnaires are due for this patient right now.")
    token = new_token()
    now = clock.now()
    link = PortalLink.objects.create(
        token_hash=token_hash(token),
        patient_id=episode.patient_id,
        episode=episode,
        occasions=[
            {"instrument": o.instrument, "timepoint": o.timepoint, "due_on": o.due_on.isoformat()}
            for o in due
        ],
        kiosk=kiosk,
        created_by=created_by,
        created_at=now,
        expires_at=now + (KIOSK_LINK_LIFETIME if kiosk else PORTAL_LINK_LIFETIME),
    )
    audit_record(
        actor=actor,
        entry=_entry(
            "PORTAL_LINK_CREATED", episode, "portal_link", link.pk, kiosk=kiosk, count=len(due)
        ),
    )
    return link, token


def portal_link_get(token: str, *, viewer_patient_id: int | None = None) -> PortalLink:
    """The link for ``token``, whatever its state (the caller shows used and expired links
    differently). Raises LinkInvalid for an unknown token, and for a token of another
    patient when a signed-in patient opens it."""
    link = (
        PortalLink.objects.select_related("episode__program", "patient")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None or (viewer_patient_id is not None and link.patient_id != viewer_patient_id):
        raise LinkInvalid("This link is not valid. Ask your care team for a new one.")
    return link


def portal_link_check_open(link: PortalLink) -> None:
    """Raise LinkUsed or LinkExpired when the link can no longer take answers."""
    if link.used_at is not None:
        raise LinkUsed("These answers were already received. Thank you.")
    if link.expires_at <= clock.now():
        raise LinkExpired("This link has expired. Ask your care team for a new one.")


@dataclass(frozen=True, slots=True)
class PortalResult:
    link: PortalLink
    recorded: list[Recorded]

    @property
    def safety(self) -> bool:
        return any(r.alert is not None for r in self.recorded)


@transaction.atomic
def portal_submit(
    *,
    actor: Actor,
    token: str,
    answers: Mapping[str, Sequence[int | None]],
    language: str = "en",
    viewer_patient_id: int | None = None,
) -> PortalResult:
    """Record every questionnaire of a link at once and use the link up. Either all are
    stored or none (a bad answer in the second form loses nothing: the page shows it again).
    Raises LinkInvalid, LinkUsed, LinkExpired, InvalidAnswers, OccasionClosed."""
    found = portal_link_get(token, viewer_patient_id=viewer_patient_id)
    link = (
        PortalLink.objects.select_for_update().select_related("episode__program").get(pk=found.pk)
    )
    portal_link_check_open(link)
    source = Source.KIOSK if link.kiosk else Source.PORTAL
    recorded = []
    for occasion in link.occasions:
        instrument = occasion["instrument"]
        if instrument not in answers:
            raise InvalidAnswers(
                "Please answer every questionnaire on this page.",
                code="wrong_item_count",
                instrument=instrument,
            )
        recorded.append(
            response_record(
                actor=actor,
                episode=link.episode,
                instrument_id=instrument,
                answers=answers[instrument],
                timepoint=occasion["timepoint"],
                due_on=dt.date.fromisoformat(occasion["due_on"]),
                source=source,
                language=language,
            )
        )
    link.used_at = clock.now()
    link.save(update_fields=["used_at"])
    return PortalResult(link, recorded)
