"""Every mapper's output validates as FHIR R4B, for every instrument the engine knows."""

import json
from datetime import timedelta

import pydantic
import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engines.fhir import observations, patient_bundle, questionnaire, questionnaire_response
from engines.instruments import INSTRUMENTS, ScoringError, score
from tests.engines.fhir.factories import (
    AUTHORED,
    BASE_URL,
    PATIENT,
    STAMP,
    make_record,
    validate,
)

INSTRUMENT_IDS = sorted(INSTRUMENTS)


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_questionnaire_validates(instrument_id):
    for language in INSTRUMENTS[instrument_id].languages:
        validate(questionnaire(INSTRUMENTS[instrument_id], base_url=BASE_URL, language=language))


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
@pytest.mark.parametrize("source", ["portal", "kiosk", "paper", "staff", "api"])
def test_response_and_observations_validate(instrument_id, source):
    record = make_record(instrument_id, source=source)

    validate(questionnaire_response(record, base_url=BASE_URL))
    for observation in observations(record, base_url=BASE_URL):
        validate(observation)


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_bundle_validates_and_is_plain_json(instrument_id):
    records = [
        make_record(instrument_id, record_id=str(n), authored=AUTHORED + timedelta(days=n))
        for n in range(2)
    ]

    bundle = patient_bundle(PATIENT, records, base_url=BASE_URL, timestamp=STAMP)

    validate(bundle)
    assert json.loads(json.dumps(bundle)) == bundle


def test_validation_rejects_broken_resources():
    record = make_record("phq9")
    response = questionnaire_response(record, base_url=BASE_URL)
    total = observations(record, base_url=BASE_URL)[0]
    form = questionnaire(record.instrument, base_url=BASE_URL)

    with pytest.raises(pydantic.ValidationError):
        QuestionnaireResponse.model_validate(response | {"authored": "4 March 2025"})
    with pytest.raises(pydantic.ValidationError):
        Observation.model_validate({key: v for key, v in total.items() if key != "code"})
    with pytest.raises(pydantic.ValidationError):
        Observation.model_validate(total | {"valueInteger": "ten"})
    with pytest.raises(pydantic.ValidationError):
        Observation.model_validate(total | {"valueString": "ten"})
    with pytest.raises(pydantic.ValidationError):
        Observation.model_validate(total | {"effectiveDateTime": "2025-03-04T18:30:00"})
    with pytest.raises(pydantic.ValidationError):
        Questionnaire.model_validate(form | {"id": "phq9 v1"})
    with pytest.raises(pydantic.ValidationError):
        Questionnaire.model_validate(response)


# fhir.resources checks structure and primitive formats but not required code bindings
# (it accepts status "done"), so the codes our mappers emit are checked here.
_REQUIRED_CODES = {
    ("Bundle", "type"): {"collection"},
    ("Questionnaire", "status"): {"draft", "active", "retired", "unknown"},
    ("QuestionnaireResponse", "status"): {
        "in-progress",
        "completed",
        "amended",
        "entered-in-error",
        "stopped",
    },
    ("Observation", "status"): {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
}
# R4 Questionnaire.item.type (required binding); our mappers emit "display" and "choice".
_ITEM_TYPES = {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time"}
_ITEM_TYPES |= {"string", "text", "url", "choice", "open-choice", "attachment", "reference"}
_ITEM_TYPES |= {"quantity"}


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_required_code_bindings_hold(instrument_id):
    bundle = patient_bundle(
        PATIENT, [make_record(instrument_id)], base_url=BASE_URL, timestamp=STAMP
    )

    resources = [bundle, *(entry["resource"] for entry in bundle["entry"])]

    for resource in resources:
        for (kind, element), allowed in _REQUIRED_CODES.items():
            if resource["resourceType"] == kind:
                assert resource[element] in allowed
        if resource["resourceType"] == "Questionnaire":
            assert {item["type"] for item in resource["item"]} <= _ITEM_TYPES


@st.composite
def scored_answers(draw):
    instrument = INSTRUMENTS[draw(st.sampled_from(INSTRUMENT_IDS))]
    answers = tuple(
        draw(st.none() | st.sampled_from([option.value for option in item.options]))
        for item in instrument.items
    )
    try:
        score(instrument, answers)
    except ScoringError:
        assume(False)
    return instrument.id, answers


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the suite stays deterministic (CONVENTIONS §4)
    suppress_health_check=[HealthCheck.filter_too_much],
)
@given(scored_answers())
def test_any_scorable_response_maps_to_valid_fhir(case):
    instrument_id, answers = case
    record = make_record(instrument_id, answers)

    response = questionnaire_response(record, base_url=BASE_URL)
    mapped = observations(record, base_url=BASE_URL)

    validate(response)
    for observation in mapped:
        validate(observation)
    assert len(response.get("item", [])) == sum(answer is not None for answer in answers)
    assert mapped[0]["valueInteger"] == record.score.total
