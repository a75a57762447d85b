import json
import uuid

import pytest
from django.test import Client

from openiop.accounts.roles import ProgramRole
from openiop.measures.models import MeasureResponse, SafetyAlert
from tests import factories
from tests.measures.scenarios import ADMITTED, PHQ9_ITEM9, PHQ9_MODERATE, at, scenario

pytestmark = pytest.mark.django_db


def _submit(client, s, answers, *, key=None, **extra):
    body = {
        "episode_id": s.episode.pk,
        "instrument": "phq9",
        "timepoint": "intake",
        "due_on": ADMITTED.isoformat(),
        "answers": answers,
        **extra,
    }
    headers = {} if key is False else {"Idempotency-Key": key or str(uuid.uuid4())}
    return client.post(
        f"/api/v1/patients/{s.patient.pk}/responses",
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_a_retried_submission_creates_one_response_and_replays_the_first_answer(client: Client):
    s = scenario()
    key = str(uuid.uuid4())
    with at(ADMITTED):
        factories.login(client, s.therapist)
        first = _submit(client, s, PHQ9_ITEM9, key=key)
        retries = [_submit(client, s, PHQ9_ITEM9, key=key) for _ in range(4)]
    assert first.status_code == 201
    assert first.json()["total"] == 11
    assert first.json()["safety_alert_id"] is not None
    assert {r.status_code for r in retries} == {201}
    assert all(r.json() == first.json() for r in retries)
    assert MeasureResponse.objects.count() == 1
    assert SafetyAlert.objects.count() == 1


def test_the_same_key_with_other_answers_is_refused(client: Client):
    s = scenario()
    key = str(uuid.uuid4())
    with at(ADMITTED):
        factories.login(client, s.therapist)
        _submit(client, s, PHQ9_MODERATE, key=key)
        reused = _submit(client, s, [0] * 9, key=key)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert MeasureResponse.objects.get().total == 10


@pytest.mark.parametrize(
    ("key", "code"), [(False, "idempotency_key_missing"), ("not-a-uuid", "idempotency_key_invalid")]
)
def test_a_missing_or_malformed_key_is_a_400(client: Client, key, code):
    s = scenario()
    with at(ADMITTED):
        factories.login(client, s.therapist)
        response = _submit(client, s, PHQ9_MODERATE, key=key)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not MeasureResponse.objects.exists()


@pytest.mark.parametrize(
    ("answers", "status", "code"),
    [
        ([0, 1, 2, 3, 4, 0, 0, 0, 0], 422, "out_of_range"),
        ([0, 1], 422, "wrong_item_count"),
        (["a", 1, 1, 1, 1, 1, 1, 1, 1], 422, "invalid_request"),
    ],
)
def test_bad_answers_get_a_stable_code(client: Client, answers, status, code):
    s = scenario()
    with at(ADMITTED):
        factories.login(client, s.therapist)
        response = _submit(client, s, answers)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not MeasureResponse.objects.exists()


def test_a_duplicate_occasion_with_a_new_key_is_a_conflict(client: Client):
    s = scenario()
    with at(ADMITTED):
        factories.login(client, s.therapist)
        _submit(client, s, PHQ9_MODERATE)
        second = _submit(client, s, PHQ9_MODERATE)
    assert second.status_code == 409
    assert second.json()["code"] == "already_answered"


def test_scores_are_listed_and_scoped(client: Client):
    s = scenario()
    with at(ADMITTED):
        factories.login(client, s.therapist)
        _submit(client, s, PHQ9_MODERATE)
        mine = client.get(f"/api/v1/patients/{s.patient.pk}/scores")
        other = Client()
        outsider = factories.staff(ProgramRole.THERAPIST, factories.program_setup("Other").program)
        factories.login(other, outsider)
        hidden = other.get(f"/api/v1/patients/{s.patient.pk}/scores")
        refused = _submit(other, s, PHQ9_MODERATE)
    assert [r["total"] for r in mine.json()] == [10]
    assert hidden.status_code == 404
    assert refused.status_code == 404


def test_the_api_needs_a_signed_in_staff_member_and_csrf(client: Client):
    s = scenario()
    assert client.get("/api/v1/instruments").status_code == 401
    strict = Client(enforce_csrf_checks=True)
    with at(ADMITTED):
        factories.login(strict, s.therapist)
        assert strict.get("/api/v1/instruments").status_code == 200
        assert _submit(strict, s, PHQ9_MODERATE).status_code == 403
    assert not MeasureResponse.objects.exists()


def test_the_openapi_schema_lists_the_operations(client: Client):
    s = scenario()
    factories.login(client, s.therapist)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/patients/{patient_id}/responses" in schema["paths"]
    assert "/api/v1/patients/{patient_id}/scores" in schema["paths"]
