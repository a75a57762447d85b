"""Adapter from stored responses to the pure FHIR mappers (``engines.fhir``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

import engines.fhir as fhir
import engines.instruments as instruments
from openiop.accounts.access import program_ids_with
from openiop.audit.models import DataCategory
from openiop.core import clock
from openiop.core.actor import actor_from_request
from openiop.core.capabilities import Capability
from openiop.core.errors import NotFound
from openiop.measures.models import MeasureResponse
from openiop.patients.access import patient_access


def response_record(response: MeasureResponse) -> fhir.ResponseRecord:
    """The engine's view of a stored response. The score is recomputed from the stored
    answers with the version they were given in, so the export always matches the engine."""
    instrument = instruments.get(response.instrument, response.version)
    return fhir.ResponseRecord(
        id=str(response.pk),
        patient_id=str(response.patient_id),
        instrument=instrument,
        language=response.language,
        answers=tuple(response.answers),
        authored=response.submitted_at,
        source=response.source,
        score=instruments.score(instrument, response.answers, language=response.language),
    )


def patient_fhir_bundle(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    """Authorize, audit PATIENT_MEASURES_EXPORTED, and build the patient's Bundle of
    Questionnaires, QuestionnaireResponses and Observations. Raises Http404."""
    try:
        patient = patient_access(
            request.user,
            patient_id,
            actor=actor_from_request(request),
            action="PATIENT_MEASURES_EXPORTED",
            category=DataCategory.MEASURES,
        )
    except NotFound as exc:
        raise Http404 from exc
    responses = MeasureResponse.objects.filter(
        patient=patient,
        episode__program_id__in=program_ids_with(request.user, Capability.VIEW_PATIENTS),
    ).order_by("submitted_at", "pk")
    return fhir.patient_bundle(
        str(patient.pk),
        [response_record(r) for r in responses],
        base_url=request.build_absolute_uri("/fhir/R4").rstrip("/"),
        timestamp=clock.now(),
    )
