import random
from datetime import timedelta

import pytest

from engines.fhir import patient_bundle
from tests.engines.fhir.factories import AUTHORED, BASE_URL, PATIENT, STAMP, make_record


def _records():
    return [
        make_record("phq9", record_id="3", authored=AUTHORED + timedelta(days=14)),
        make_record("phq9", record_id="1", authored=AUTHORED),
        make_record("gad7", record_id="2", authored=AUTHORED),
        make_record("phq9", record_id="4", authored=AUTHORED + timedelta(days=7), source="paper"),
    ]


def _references(node):
    """Every Reference.reference string anywhere inside a resource."""
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield node["reference"]
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def test_one_questionnaire_per_instrument_version_then_responses_in_authored_order():
    bundle = patient_bundle(PATIENT, _records(), base_url=BASE_URL, timestamp=STAMP)

    entries = [(e["resource"]["resourceType"], e["resource"]["id"]) for e in bundle["entry"]]

    assert bundle["type"] == "collection"
    assert bundle["timestamp"] == "2025-03-05T12:00:00+00:00"
    assert entries[:2] == [("Questionnaire", "gad7-1"), ("Questionnaire", "phq9-1")]
    responses = [id_ for kind, id_ in entries if kind == "QuestionnaireResponse"]
    assert responses == ["qr-1", "qr-2", "qr-4", "qr-3"]
    assert entries[2:5] == [
        ("QuestionnaireResponse", "qr-1"),
        ("Observation", "obs-1-total"),
        ("Observation", "obs-1-phq9-9"),
    ]


def test_full_urls_are_unique_and_built_from_type_and_id():
    bundle = patient_bundle(PATIENT, _records(), base_url=BASE_URL, timestamp=STAMP)

    urls = [entry["fullUrl"] for entry in bundle["entry"]]

    assert len(set(urls)) == len(urls)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"{BASE_URL}/{resource['resourceType']}/{resource['id']}"


def test_every_reference_resolves_inside_the_bundle_except_the_patient():
    bundle = patient_bundle(PATIENT, _records(), base_url=BASE_URL, timestamp=STAMP)
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    canonicals = {
        f"{e['resource']['url']}|{e['resource']['version']}"
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Questionnaire"
    }

    references = {ref for entry in bundle["entry"] for ref in _references(entry["resource"])}

    assert f"Patient/{PATIENT}" in references
    assert {ref for ref in references if f"{BASE_URL}/{ref}" not in urls} == {f"Patient/{PATIENT}"}
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "QuestionnaireResponse":
            assert entry["resource"]["questionnaire"] in canonicals


def test_order_does_not_depend_on_the_input_order():
    records = _records()
    expected = patient_bundle(PATIENT, records, base_url=BASE_URL, timestamp=STAMP)
    shuffled = records[:]
    random.Random(7).shuffle(shuffled)

    assert patient_bundle(PATIENT, shuffled, base_url=BASE_URL, timestamp=STAMP) == expected


def test_empty_bundle_is_valid():
    bundle = patient_bundle(PATIENT, [], base_url=BASE_URL, timestamp=STAMP)

    assert bundle["entry"] == []


def test_refuses_another_patients_record_a_repeated_id_and_a_naive_timestamp():
    with pytest.raises(ValueError, match="another patient"):
        patient_bundle(PATIENT, [make_record(patient_id="p-7")], base_url=BASE_URL, timestamp=STAMP)
    with pytest.raises(ValueError, match="repeat"):
        patient_bundle(PATIENT, [make_record(), make_record()], base_url=BASE_URL, timestamp=STAMP)
    with pytest.raises(ValueError, match="naive"):
        patient_bundle(PATIENT, [], base_url=BASE_URL, timestamp=STAMP.replace(tzinfo=None))
