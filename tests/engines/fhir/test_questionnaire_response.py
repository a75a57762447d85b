from engines.fhir import questionnaire, questionnaire_response
from tests.engines.fhir.factories import BASE_URL, PATIENT, make_record


def _answers(response):
    return {item["linkId"]: item["answer"][0]["valueCoding"] for item in response["item"]}


def test_answers_match_the_record_and_the_questionnaire_options():
    record = make_record("phq9", (0, 1, 2, 3, 0, 1, 2, 3, 1))
    form = questionnaire(record.instrument, base_url=BASE_URL)
    offered = {
        item["linkId"]: [option["valueCoding"] for option in item["answerOption"]]
        for item in form["item"]
        if item["type"] == "choice"
    }

    response = questionnaire_response(record, base_url=BASE_URL)

    assert response["id"] == "qr-101"
    assert response["status"] == "completed"
    assert response["questionnaire"] == f"{form['url']}|{form['version']}"
    assert response["subject"] == {"reference": f"Patient/{PATIENT}"}
    answers = _answers(response)
    assert [int(coding["code"]) for coding in answers.values()] == list(record.answers)
    for link_id, coding in answers.items():
        assert coding in offered[link_id]


def test_unanswered_items_are_omitted():
    record = make_record("phq9", (1, 1, 1, 1, None, 1, 1, 1, 0))

    response = questionnaire_response(record, base_url=BASE_URL)

    assert "phq9-5" not in _answers(response)
    assert len(response["item"]) == 8
    assert response["status"] == "completed"


def test_paper_transcription_is_visible_and_the_patient_is_not_the_author():
    record = make_record("gad7", source="paper")

    response = questionnaire_response(record, base_url=BASE_URL)

    assert response["meta"]["tag"] == [
        {
            "system": f"{BASE_URL}/CodeSystem/capture-mode",
            "code": "paper",
            "display": "Paper transcription",
        }
    ]
    assert "author" not in response
    assert response["source"] == {"reference": f"Patient/{PATIENT}"}


def test_portal_and_kiosk_answers_are_authored_by_the_patient():
    for source in ("portal", "kiosk"):
        response = questionnaire_response(make_record(source=source), base_url=BASE_URL)

        assert response["author"] == {"reference": f"Patient/{PATIENT}"}
        assert response["meta"]["tag"][0]["code"] == source


def test_staff_and_api_entries_name_no_author_or_source():
    for source in ("staff", "api"):
        response = questionnaire_response(make_record(source=source), base_url=BASE_URL)

        assert "author" not in response
        assert "source" not in response


def test_authored_keeps_its_utc_offset():
    response = questionnaire_response(make_record(), base_url=BASE_URL)

    assert response["authored"] == "2025-03-04T18:30:00-05:00"


def test_spanish_response_uses_spanish_labels():
    record = make_record("phq9", language="es")

    response = questionnaire_response(record, base_url=BASE_URL)

    assert response["language"] == "es"
    assert _answers(response)["phq9-1"]["display"] == "Varios días"
