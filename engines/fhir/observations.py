"""Scores -> FHIR R4 Observations shaped as US Core Observation Screening Assessment.

One Observation carries the total (valueInteger), the severity band and the engine's flags
as interpretations, and subscales as components. Safety items that have a LOINC code
(PHQ-9 item 9) also get their own item Observation, linked from the total through
hasMember, so that a receiving system can find a safety answer without parsing the
QuestionnaireResponse.
"""

from engines.fhir.questionnaires import answer_coding
from engines.fhir.records import ResponseRecord
from engines.fhir.responses import response_id
from engines.fhir.terminology import (
    JSON,
    LOINC,
    US_CORE_SCREENING_ASSESSMENT,
    base,
    capture_mode_tag,
    coding,
    fhir_datetime,
    fhir_id,
    flags_system,
    localized,
    measures_system,
    reference,
    severity_system,
    survey_category,
)
from engines.instruments import Item


def observations(record: ResponseRecord, *, base_url: str) -> list[JSON]:
    """The total-score Observation `obs-{id}-total` followed by one Observation per answered
    safety item with a LOINC code (`obs-{id}-{link_id}`), as JSON-ready dicts.

    The total uses the instrument's LOINC total code when it has one, otherwise the local
    code `{instrument.id}-total` in `{base_url}/CodeSystem/openiop-measures`. Raises
    ValueError for an id that is not a valid FHIR id.
    """
    base_url = base(base_url)
    items = [
        _item_observation(record, item, loinc, answer, base_url)
        for item, loinc, answer in _safety_answers(record)
    ]
    total = _total_observation(record, base_url)
    if items:
        total["hasMember"] = [reference("Observation", item["id"]) for item in items]
    return [total, *items]


def _safety_answers(record: ResponseRecord) -> list[tuple[Item, str, int]]:
    """Answered safety items with a LOINC code, with that code."""
    return [
        (item, item.loinc, answer)
        for item, answer in zip(record.instrument.items, record.answers, strict=True)
        if item.safety and item.loinc and answer is not None
    ]


def _common(record: ResponseRecord, observation_id: str, base_url: str) -> JSON:
    return {
        "resourceType": "Observation",
        "id": fhir_id(observation_id),
        "meta": {
            "profile": [US_CORE_SCREENING_ASSESSMENT],
            "tag": [capture_mode_tag(base_url, record.source)],
        },
        "status": "final",
        "category": [survey_category()],
    }


def _total_observation(record: ResponseRecord, base_url: str) -> JSON:
    instrument, score = record.instrument, record.score
    text = f"{instrument.short_title} total score"
    if instrument.loinc_total:
        code = coding(LOINC, instrument.loinc_total)
    else:
        code = coding(measures_system(base_url), f"{instrument.id}-total", text)
    resource = _common(record, f"obs-{record.id}-total", base_url)
    resource |= {
        "code": {"coding": [code], "text": text},
        "subject": reference("Patient", record.patient_id),
        "effectiveDateTime": fhir_datetime(record.authored),
        "valueInteger": score.total,
        "derivedFrom": [reference("QuestionnaireResponse", response_id(record))],
    }
    interpretations = _interpretations(record, base_url)
    if interpretations:
        resource["interpretation"] = interpretations
    if score.subscales:
        resource["component"] = _subscale_components(record, base_url)
    if score.completeness.missing:
        resource["note"] = [{"text": _completeness_note(record)}]
    return resource


def _interpretations(record: ResponseRecord, base_url: str) -> list[JSON]:
    """The severity band, then every flag the engine raised (safety alerts, positive
    screens), each in the instrument's local code system with the engine's label as text.
    A flag's label names the answer given, so it is the concept's text, not its display."""
    score, instrument_id = record.score, record.instrument.id
    result: list[JSON] = []
    if score.severity is not None:
        label = score.severity_label or score.severity
        system = severity_system(base_url, instrument_id)
        result.append({"coding": [coding(system, score.severity, label)], "text": label})
    system = flags_system(base_url, instrument_id)
    result.extend(
        {"coding": [coding(system, flag.code)], "text": flag.label} for flag in score.flags
    )
    return result


def _subscale_components(record: ResponseRecord, base_url: str) -> list[JSON]:
    labels = {subscale.key: subscale.label for subscale in record.instrument.subscales}
    system = measures_system(base_url)
    return [
        {
            "code": {
                "coding": [coding(system, f"{record.instrument.id}-{key}", labels.get(key, key))],
                "text": labels.get(key, key),
            },
            "valueInteger": value,
        }
        for key, value in sorted(record.score.subscales.items())
    ]


def _completeness_note(record: ResponseRecord) -> str:
    completeness = record.score.completeness
    missing = ", ".join(str(number) for number in completeness.missing)
    how = "prorated" if completeness.prorated else "not prorated"
    return (
        f"{completeness.answered} of {completeness.expected} items answered "
        f"(missing: {missing}); total {how} under the rule: {record.instrument.missing_rule}"
    )


def _item_observation(
    record: ResponseRecord, item: Item, loinc: str, answer: int, base_url: str
) -> JSON:
    instrument, language = record.instrument, record.language
    text = localized(item.text, language, f"{instrument.id} {item.link_id}")
    answered = answer_coding(instrument, item, answer, base_url, language)
    resource = _common(record, f"obs-{record.id}-{item.link_id}", base_url)
    return resource | {
        "code": {"coding": [coding(LOINC, loinc)], "text": text},
        "subject": reference("Patient", record.patient_id),
        "effectiveDateTime": fhir_datetime(record.authored),
        "valueCodeableConcept": {"coding": [answered], "text": answered["display"]},
        "derivedFrom": [reference("QuestionnaireResponse", response_id(record))],
    }
