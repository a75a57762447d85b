from datetime import UTC, datetime

import pytest

from engines.fhir import ResponseRecord, questionnaire_response
from engines.instruments import INSTRUMENTS, score
from tests.engines.fhir.factories import AUTHORED, BASE_URL, make_record


def test_naive_authored_is_rejected():
    naive = datetime(2025, 3, 4, 18, 30)  # noqa: DTZ001 -- the naive datetime under test

    with pytest.raises(ValueError, match="naive"):
        make_record(authored=naive)


def test_utc_authored_renders_with_a_zero_offset():
    record = make_record(authored=AUTHORED.astimezone(UTC))

    assert questionnaire_response(record, base_url=BASE_URL)["authored"] == (
        "2025-03-04T23:30:00+00:00"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"source": "fax"}, "unknown source"),
        ({"answers": (0,) * 8}, "9 items"),
        ({"answers": (0,) * 8 + (7,)}, "not an option"),
        ({"language": "de"}, "'de'"),
        ({"score": score(INSTRUMENTS["gad7"], (0,) * 7)}, "score is for gad7"),
        ({"id": "has space"}, "not a valid FHIR id"),
        ({"id": "9" * 60}, "not a valid FHIR id"),
        ({"patient_id": "p/42"}, "not a valid FHIR id"),
    ],
)
def test_inconsistent_records_are_rejected(changes, message):
    record = make_record("phq9", (0,) * 9)
    fields = {name: getattr(record, name) for name in ResponseRecord.__dataclass_fields__}

    with pytest.raises(ValueError, match=message):
        ResponseRecord(**(fields | changes))


def test_base_url_must_be_http():
    with pytest.raises(ValueError, match="base_url"):
        questionnaire_response(make_record(), base_url="iop.example.org/fhir")
