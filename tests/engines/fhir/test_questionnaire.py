import pytest

from engines.fhir import questionnaire
from engines.fhir.terminology import LOINC, ORDINAL_VALUE
from engines.instruments import INSTRUMENTS
from tests.engines.fhir.factories import BASE_URL


def _questions(resource):
    return {item["linkId"]: item for item in resource["item"] if item["type"] == "choice"}


def test_phq9_questionnaire_carries_canonical_url_version_and_loinc_codes():
    phq9 = INSTRUMENTS["phq9"]

    resource = questionnaire(phq9, base_url=BASE_URL + "/")

    assert resource["id"] == f"phq9-{phq9.version}"
    assert resource["url"] == f"{BASE_URL}/Questionnaire/phq9"
    assert resource["version"] == phq9.version
    assert resource["name"] == "PHQ9"
    assert resource["status"] == "active"
    assert resource["code"] == [{"system": LOINC, "code": phq9.loinc_panel}]
    assert resource["copyright"] == phq9.licence
    questions = _questions(resource)
    assert list(questions) == [item.link_id for item in phq9.items]
    assert questions["phq9-9"]["code"] == [{"system": LOINC, "code": "44260-8"}]
    assert "code" not in questions["phq9-1"]


def test_answer_options_use_the_local_code_system_with_ordinal_values():
    resource = questionnaire(INSTRUMENTS["phq9"], base_url=BASE_URL)

    options = _questions(resource)["phq9-1"]["answerOption"]

    assert [option["valueCoding"]["code"] for option in options] == ["0", "1", "2", "3"]
    assert {option["valueCoding"]["system"] for option in options} == {
        f"{BASE_URL}/CodeSystem/phq9-answers"
    }
    assert options[3]["valueCoding"]["display"] == "Nearly every day"
    assert options[3]["extension"] == [{"url": ORDINAL_VALUE, "valueDecimal": 3}]


def test_reverse_keyed_item_scores_the_mirror_value():
    resource = questionnaire(INSTRUMENTS["dast10"], base_url=BASE_URL)

    options = _questions(resource)["dast10-3"]["answerOption"]

    scores = {o["valueCoding"]["display"]: o["extension"][0]["valueDecimal"] for o in options}
    assert scores == {"No": 1, "Yes": 0}


def test_gate_question_outside_the_total_has_no_ordinal_value():
    resource = questionnaire(INSTRUMENTS["pcptsd5"], base_url=BASE_URL)

    gate = _questions(resource)["pcptsd5-exposure"]

    assert all("extension" not in option for option in gate["answerOption"])


def test_items_with_different_scales_get_their_own_answer_systems():
    # AUDIT-C answer "0" means "Never" for item 1 but "1 or 2" (drinks) for item 2.
    resource = questionnaire(INSTRUMENTS["auditc"], base_url=BASE_URL)

    systems = [
        question["answerOption"][0]["valueCoding"]["system"]
        for question in _questions(resource).values()
    ]

    assert len(set(systems)) == 3


def test_spanish_questionnaire_and_an_unsupported_language():
    phq9 = INSTRUMENTS["phq9"]

    resource = questionnaire(phq9, base_url=BASE_URL, language="es")

    assert resource["language"] == "es"
    assert _questions(resource)["phq9-1"]["text"] == phq9.items[0].text["es"]
    with pytest.raises(ValueError, match="'fr'"):
        questionnaire(INSTRUMENTS["gad7"], base_url=BASE_URL, language="fr")


def test_instructions_come_first_as_display_item():
    gad7 = INSTRUMENTS["gad7"]

    first = questionnaire(gad7, base_url=BASE_URL)["item"][0]

    assert first == {
        "linkId": "gad7-instructions",
        "text": gad7.instructions["en"],
        "type": "display",
    }
