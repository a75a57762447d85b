"""Submitted answers -> FHIR R4 QuestionnaireResponse (US Core QuestionnaireResponse)."""

from engines.fhir.questionnaires import answer_coding, questionnaire_canonical
from engines.fhir.records import ResponseRecord
from engines.fhir.terminology import (
    JSON,
    US_CORE_QUESTIONNAIRE_RESPONSE,
    base,
    capture_mode_tag,
    fhir_datetime,
    fhir_id,
    localized,
    reference,
)

# The patient answered the questions in all of these; only on the portal and the kiosk did
# the patient also enter them (on paper a staff member transcribed them).
_PATIENT_ANSWERED = frozenset({"portal", "kiosk", "paper"})
_PATIENT_ENTERED = frozenset({"portal", "kiosk"})


def questionnaire_response(record: ResponseRecord, *, base_url: str) -> JSON:
    """The QuestionnaireResponse `qr-{record.id}` for `record`, as a JSON-ready dict.

    Status is "completed": the form was submitted, even with items left blank, and blank
    items are simply absent. The capture mode is a meta.tag from the local CodeSystem
    `{base_url}/CodeSystem/capture-mode` (source "paper" shows "Paper transcription").
    Raises ValueError for an id that is not a valid FHIR id.
    """
    base_url = base(base_url)
    resource: JSON = {
        "resourceType": "QuestionnaireResponse",
        "id": response_id(record),
        "meta": {
            "profile": [US_CORE_QUESTIONNAIRE_RESPONSE],
            "tag": [capture_mode_tag(base_url, record.source)],
        },
        "language": record.language,
        "questionnaire": questionnaire_canonical(record.instrument, base_url),
        "status": "completed",
        "subject": reference("Patient", record.patient_id),
        "authored": fhir_datetime(record.authored),
    }
    if record.source in _PATIENT_ENTERED:
        resource["author"] = reference("Patient", record.patient_id)
    if record.source in _PATIENT_ANSWERED:
        resource["source"] = reference("Patient", record.patient_id)
    items = _answered_items(record, base_url)
    if items:
        resource["item"] = items
    return resource


def response_id(record: ResponseRecord) -> str:
    return fhir_id(f"qr-{record.id}")


def _answered_items(record: ResponseRecord, base_url: str) -> list[JSON]:
    instrument, language = record.instrument, record.language
    return [
        {
            "linkId": item.link_id,
            "text": localized(item.text, language, f"{instrument.id} {item.link_id}"),
            "answer": [
                {"valueCoding": answer_coding(instrument, item, answer, base_url, language)}
            ],
        }
        for item, answer in zip(instrument.items, record.answers, strict=True)
        if answer is not None
    ]
