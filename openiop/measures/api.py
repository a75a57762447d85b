"""``/api/v1`` operations of measurement-based care: the instrument catalogue, a patient's
scores, submitting a response (idempotent), and the patient's FHIR export. Thin: parse →
access → one service or selector → serialize."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Header, Router, Schema, Status

import engines.instruments as instruments
from openiop.accounts.access import program_ids_with
from openiop.accounts.actors import request_user
from openiop.audit.models import DataCategory
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.core.idempotency import idempotent
from openiop.measures import services
from openiop.measures.fhir import patient_fhir_bundle
from openiop.measures.models import MeasureResponse, Source
from openiop.patients.access import episode_access, patient_access

router = Router(tags=["measures"])


class InstrumentOut(Schema):
    id: str
    version: str
    short_title: str
    title: str
    items: int
    min_total: int
    max_total: int
    cutoff: int | None
    languages: list[str]
    loinc_panel: str | None
    loinc_total: str | None
    licence: str


class FlagOut(Schema):
    code: str
    label: str
    safety: bool


class ScoreOut(Schema):
    id: int
    episode_id: int
    instrument: str
    version: str
    language: str
    timepoint: str
    due_on: dt.date
    collected_on: dt.date
    source: str
    total: int
    severity: str
    subscales: dict[str, int]
    flags: list[FlagOut]
    answered: int
    prorated: bool


class SubmittedOut(ScoreOut):
    safety_alert_id: int | None


class ResponseIn(Schema):
    episode_id: int
    instrument: str
    version: str | None = None
    language: str = "en"
    timepoint: str
    due_on: dt.date
    answers: list[int | None]
    source: Literal["api", "paper"] = "api"


class ErrorOut(Schema):
    code: str
    message: str


def _score_out(response: MeasureResponse) -> dict[str, Any]:
    fields = [
        "id", "episode_id", "instrument", "version", "language", "timepoint", "source",
        "total", "severity", "subscales", "flags", "answered", "prorated",
    ]  # fmt: skip
    out = {name: getattr(response, name) for name in fields}
    out["due_on"] = response.due_on.isoformat()
    out["collected_on"] = response.collected_on.isoformat()
    return out


@router.get("/instruments", response=list[InstrumentOut], summary="Instruments the engine scores")
def instrument_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            **{k: getattr(i, k) for k in ("id", "version", "short_title", "title", "min_total")},
            **{k: getattr(i, k) for k in ("max_total", "cutoff", "loinc_panel", "loinc_total")},
            "items": len(i.items),
            "languages": list(i.languages),
            "licence": i.licence,
        }
        for i in instruments.INSTRUMENTS.values()
    ]


@router.get(
    "/patients/{patient_id}/scores",
    response={200: list[ScoreOut], 404: ErrorOut},
    summary="A patient's scored responses, oldest first",
)
def score_list(
    request: HttpRequest, patient_id: int, instrument: str | None = None
) -> list[dict[str, Any]]:
    patient = patient_access(
        request.user,
        patient_id,
        actor=actor_from_request(request),
        action="PATIENT_MEASURES_VIEWED",
        category=DataCategory.MEASURES,
    )
    responses = MeasureResponse.objects.filter(
        patient=patient,
        episode__program_id__in=program_ids_with(request.user, Capability.VIEW_PATIENTS),
    ).order_by("collected_on", "pk")
    if instrument:
        responses = responses.filter(instrument=instrument.lower().replace("-", ""))
    return [_score_out(r) for r in responses]


@router.post(
    "/patients/{patient_id}/responses",
    response={201: SubmittedOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Submit a completed questionnaire (send a fresh UUID as Idempotency-Key)",
)
def response_submit(
    request: HttpRequest,
    patient_id: int,
    payload: ResponseIn,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Status[dict[str, Any]]:
    """Scores and stores the answers for an open occasion. A retry with the same key returns
    the first response unchanged; the same key with other answers is refused (422)."""
    user = request_user(request)
    actor = actor_from_request(request)
    episode = episode_access(
        user,
        patient_id,
        payload.episode_id,
        actor=actor,
        capability=Capability.ADMINISTER_MEASURES,
        action="MEASURE_RESPONSE_RECORDED",
    )

    def effect() -> tuple[int, dict[str, Any]]:
        recorded = services.response_record(
            actor=actor,
            episode=episode,
            instrument_id=payload.instrument,
            answers=payload.answers,
            timepoint=payload.timepoint,
            due_on=payload.due_on,
            source=Source(payload.source),
            language=payload.language,
            version=payload.version,
            entered_by=user if payload.source == "paper" else None,
        )
        alert_id = recorded.alert.pk if recorded.alert else None
        return 201, {**_score_out(recorded.response), "safety_alert_id": alert_id}

    outcome = idempotent(
        scope=f"user:{user.pk}:measures.response_submit",
        key=idempotency_key,
        payload={"patient": patient_id, **payload.model_dump(mode="json")},
        effect=effect,
    )
    return Status(outcome.status, outcome.body)


@router.get(
    "/patients/{patient_id}/fhir",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="The patient's questionnaires, responses and scores as a FHIR R4 Bundle",
)
def fhir_export(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    try:
        return patient_fhir_bundle(request, patient_id)
    except Http404:
        raise NotFound("No such patient.") from None
