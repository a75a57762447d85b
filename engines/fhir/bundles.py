"""A patient's questionnaires and scores as one FHIR R4 collection Bundle."""

from collections.abc import Sequence
from datetime import datetime

from engines.fhir.observations import observations
from engines.fhir.questionnaires import questionnaire
from engines.fhir.records import ResponseRecord
from engines.fhir.responses import questionnaire_response
from engines.fhir.terminology import JSON, base, fhir_datetime
from engines.instruments import Instrument


def patient_bundle(
    patient_id: str,
    records: Sequence[ResponseRecord],
    *,
    base_url: str,
    timestamp: datetime,
    language: str = "en",
) -> JSON:
    """A "collection" Bundle: one Questionnaire per distinct (instrument, version) in
    `records` (in `language`), then each QuestionnaireResponse followed by its Observations,
    responses ordered by authored time and then id. `timestamp` is the caller's clock.

    Raises ValueError for a naive timestamp, a record of another patient or a repeated
    record id (it would give two entries the same fullUrl).
    """
    base_url = base(base_url)
    stamp = fhir_datetime(timestamp)
    ordered = _ordered(patient_id, records)
    resources = [
        questionnaire(instrument, base_url=base_url, language=language)
        for instrument in _instruments(ordered)
    ]
    for record in ordered:
        resources.append(questionnaire_response(record, base_url=base_url))
        resources.extend(observations(record, base_url=base_url))
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": stamp,
        "entry": [_entry(resource, base_url) for resource in resources],
    }


def _ordered(patient_id: str, records: Sequence[ResponseRecord]) -> list[ResponseRecord]:
    ids = [record.id for record in records]
    if len(set(ids)) != len(ids):
        raise ValueError("records repeat a response id")
    for record in records:
        if record.patient_id != patient_id:
            raise ValueError(f"response {record.id} belongs to another patient")
    return sorted(records, key=lambda record: (record.authored, record.id))


def _instruments(records: Sequence[ResponseRecord]) -> list[Instrument]:
    by_key = {
        (record.instrument.id, record.instrument.version): record.instrument for record in records
    }
    return [by_key[key] for key in sorted(by_key)]


def _entry(resource: JSON, base_url: str) -> JSON:
    return {
        "fullUrl": f"{base_url}/{resource['resourceType']}/{resource['id']}",
        "resource": resource,
    }
