"""ResponseRecords built from the real instrument engine, and R4B validation helpers."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import BaseModel

from engines.fhir import ResponseRecord
from engines.instruments import INSTRUMENTS, Instrument, score

BASE_URL = "https://iop.example.org/fhir"
PATIENT = "p-42"
EASTERN = timezone(timedelta(hours=-5))
AUTHORED = datetime(2025, 3, 4, 18, 30, tzinfo=EASTERN)
STAMP = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)

MODELS: dict[str, type[BaseModel]] = {
    "Bundle": Bundle,
    "Observation": Observation,
    "Questionnaire": Questionnaire,
    "QuestionnaireResponse": QuestionnaireResponse,
}


def sample_answers(instrument: Instrument) -> tuple[int | None, ...]:
    """One valid answer per item, varied across the scale: item n takes option n mod k.

    It answers every gate with "yes" (option 1), so PC-PTSD-5 and ASQ follow-up items are
    all asked and answered, and PHQ-9 item 9 gets a non-zero answer.
    """
    return tuple(item.options[item.number % len(item.options)].value for item in instrument.items)


def make_record(
    instrument_id: str = "phq9",
    answers: tuple[int | None, ...] | None = None,
    *,
    record_id: str = "101",
    patient_id: str = PATIENT,
    source: str = "portal",
    authored: datetime = AUTHORED,
    language: str = "en",
) -> ResponseRecord:
    instrument = INSTRUMENTS[instrument_id]
    answers = sample_answers(instrument) if answers is None else answers
    return ResponseRecord(
        id=record_id,
        patient_id=patient_id,
        instrument=instrument,
        language=language,
        answers=answers,
        authored=authored,
        source=source,
        score=score(instrument, answers, language=language),
    )


def validate(resource: dict[str, Any]) -> None:
    """Validate with the R4B model named by resourceType; raises pydantic.ValidationError."""
    MODELS[resource["resourceType"]].model_validate(resource)
