from engines.fhir import observations
from engines.fhir.terminology import LOINC, OBSERVATION_CATEGORY
from tests.engines.fhir.factories import BASE_URL, PATIENT, make_record


def _by_id(resources):
    return {resource["id"]: resource for resource in resources}


def test_phq9_total_is_loinc_44261_6_with_the_score_as_integer():
    record = make_record("phq9", (1, 1, 1, 1, 1, 1, 1, 1, 2))

    total = _by_id(observations(record, base_url=BASE_URL))["obs-101-total"]

    assert total["status"] == "final"
    assert total["category"] == [
        {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
    ]
    assert total["code"]["coding"] == [{"system": LOINC, "code": "44261-6"}]
    assert total["valueInteger"] == record.score.total == 10
    assert total["subject"] == {"reference": f"Patient/{PATIENT}"}
    assert total["effectiveDateTime"] == "2025-03-04T18:30:00-05:00"
    assert total["derivedFrom"] == [{"reference": "QuestionnaireResponse/qr-101"}]
    assert total["interpretation"][0]["text"] == record.score.severity_label


def test_phq9_item_9_gets_its_own_observation_linked_from_the_total():
    record = make_record("phq9", (0, 0, 0, 0, 0, 0, 0, 0, 2))

    by_id = _by_id(observations(record, base_url=BASE_URL))

    item9 = by_id["obs-101-phq9-9"]
    assert item9["code"]["coding"] == [{"system": LOINC, "code": "44260-8"}]
    assert item9["valueCodeableConcept"]["coding"] == [
        {
            "system": f"{BASE_URL}/CodeSystem/phq9-answers",
            "code": "2",
            "display": "More than half the days",
        }
    ]
    assert item9["derivedFrom"] == [{"reference": "QuestionnaireResponse/qr-101"}]
    assert by_id["obs-101-total"]["hasMember"] == [{"reference": "Observation/obs-101-phq9-9"}]


def test_a_not_at_all_on_item_9_is_still_reported():
    record = make_record("phq9", (0,) * 9)

    by_id = _by_id(observations(record, base_url=BASE_URL))

    assert by_id["obs-101-phq9-9"]["valueCodeableConcept"]["coding"][0]["code"] == "0"


def test_safety_flag_is_an_interpretation_of_the_total():
    record = make_record("phq9", (0, 0, 0, 0, 0, 0, 0, 0, 3))

    total = observations(record, base_url=BASE_URL)[0]

    flags = [
        concept["coding"][0]["code"]
        for concept in total["interpretation"]
        if concept["coding"][0]["system"] == f"{BASE_URL}/CodeSystem/phq9-flags"
    ]
    assert "suicidal_ideation" in flags


def test_instrument_without_loinc_total_uses_the_local_measure_code_and_subscales():
    record = make_record("pcl5")

    mapped = observations(record, base_url=BASE_URL)

    assert len(mapped) == 1
    total = mapped[0]
    assert total["code"]["coding"] == [
        {
            "system": f"{BASE_URL}/CodeSystem/openiop-measures",
            "code": "pcl5-total",
            "display": "PCL-5 total score",
        }
    ]
    assert "hasMember" not in total
    components = {c["code"]["coding"][0]["code"]: c["valueInteger"] for c in total["component"]}
    assert components == {f"pcl5-{key}": value for key, value in record.score.subscales.items()}


def test_prorated_total_says_so_in_a_note():
    record = make_record("phq9", (1, 1, 1, 1, None, 1, 1, 1, 0))

    total = observations(record, base_url=BASE_URL)[0]

    assert record.score.completeness.prorated
    assert "8 of 9 items answered (missing: 5); total prorated" in total["note"][0]["text"]


def test_capture_mode_is_tagged_on_every_observation():
    record = make_record("phq9", source="paper")

    tags = [o["meta"]["tag"][0]["display"] for o in observations(record, base_url=BASE_URL)]

    assert tags == ["Paper transcription", "Paper transcription"]
