"""The assessment reader: every error code with its JSON path, and the decision writer's
fixed shape and key order."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from engines.placement import (
    Assessment,
    Dimension,
    InstrumentResult,
    PlacementFormatError,
    Population,
    SafetyScreen,
    assessment_from_json,
    assessment_to_json,
    decision_to_json,
    decision_to_text,
    place,
)
from engines.placement.model import ERROR_CODES
from tests.engines.placement.cases import base_json

Doc = dict[str, Any]


def _set(path: tuple[str | int, ...], value: object) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(path: tuple[str | int, ...]) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


def _asq(total: int, flags: list[str]) -> Callable[[Doc], None]:
    return _set(("instruments",), [{"instrument": "asq", "total": total, "flags": flags}])


DIM3 = ("dimensions", "3")
PHQ = ("instruments", 0)

# change to a valid document, expected code, expected path
BAD = [
    (_set(("format",), "openiop.schedule.instance"), "wrong_format", "$.format"),
    (_drop(("format",)), "missing_field", "$.format"),
    (_set(("version",), 2), "unsupported_version", "$.version"),
    (_set(("version",), "1"), "wrong_type", "$.version"),
    (_set(("version",), True), "wrong_type", "$.version"),
    (_drop(("version",)), "missing_field", "$.version"),
    (_set(("colour",), "red"), "unknown_field", "$.colour"),
    (_drop(("safety_screen",)), "missing_field", "$.safety_screen"),
    (_drop(("instruments",)), "missing_field", "$.instruments"),
    (_drop(("stable_housing_and_support",)), "missing_field", "$.stable_housing_and_support"),
    (_drop(("hours_available_per_week",)), "missing_field", "$.hours_available_per_week"),
    (_set(("population",), "child"), "invalid_choice", "$.population"),
    (_set(("population",), None), "wrong_type", "$.population"),
    (_set(("safety_screen",), "positive"), "invalid_choice", "$.safety_screen"),
    (_set(("safety_screen",), None), "wrong_type", "$.safety_screen"),
    (_set(("dimensions",), []), "wrong_type", "$.dimensions"),
    (_drop(DIM3), "missing_dimension", "$.dimensions.3"),
    (_set(("dimensions", "7"), {"rating": 0, "notes": ""}), "unknown_dimension", "$.dimensions.7"),
    (_set(("dimensions", "03"), {"rating": 0, "notes": ""}), "unknown_dimension", "$.dimensions.03"),
    (_set((*DIM3, "rating"), 5), "rating_out_of_range", "$.dimensions.3.rating"),
    (_set((*DIM3, "rating"), -1), "rating_out_of_range", "$.dimensions.3.rating"),
    (_set((*DIM3, "rating"), 2.0), "wrong_type", "$.dimensions.3.rating"),
    (_set((*DIM3, "rating"), True), "wrong_type", "$.dimensions.3.rating"),
    (_drop((*DIM3, "rating")), "missing_field", "$.dimensions.3.rating"),
    (_drop((*DIM3, "notes")), "missing_field", "$.dimensions.3.notes"),
    (_set((*DIM3, "notes"), None), "wrong_type", "$.dimensions.3.notes"),
    (_set((*DIM3, "score"), 1), "unknown_field", "$.dimensions.3.score"),
    (_set(DIM3, 2), "wrong_type", "$.dimensions.3"),
    (_set(("instruments",), {}), "wrong_type", "$.instruments"),
    (_set((*PHQ, "instrument"), "bdi2"), "unknown_instrument", "$.instruments[0].instrument"),
    (_set((*PHQ, "instrument"), "PHQ-9"), "unknown_instrument", "$.instruments[0].instrument"),
    (_set((*PHQ, "total"), 28), "total_out_of_range", "$.instruments[0].total"),
    (_set((*PHQ, "total"), -1), "total_out_of_range", "$.instruments[0].total"),
    (_set((*PHQ, "total"), "12"), "wrong_type", "$.instruments[0].total"),
    (_set((*PHQ, "flags"), "suicidal_ideation"), "wrong_type", "$.instruments[0].flags"),
    (_set((*PHQ, "flags"), ["item9_positive"]), "unknown_flag", "$.instruments[0].flags[0]"),
    (_set((*PHQ, "flags"), ["positive_screen", 9]), "wrong_type", "$.instruments[0].flags[1]"),
    (
        _set((*PHQ, "flags"), ["suicidal_ideation", "suicidal_ideation"]),
        "duplicate_flag",
        "$.instruments[0].flags[1]",
    ),
    (_drop((*PHQ, "flags")), "missing_field", "$.instruments[0].flags"),
    (_set((*PHQ, "note"), ""), "unknown_field", "$.instruments[0].note"),
    (
        _set(("instruments",), [{"instrument": "phq9", "total": t, "flags": []} for t in (3, 4)]),
        "duplicate_instrument",
        "$.instruments[1].instrument",
    ),
    (_set(("instruments",), [{"instrument": "dast10", "total": 3, "flags": ["positive_screen"]}]), "unknown_flag", "$.instruments[0].flags[0]"),
    (_asq(0, ["asq_positive"]), "safety_screen_mismatch", "$.safety_screen"),
    (_asq(2, ["asq_positive", "asq_acute"]), "safety_screen_mismatch", "$.safety_screen"),
    (_asq(0, ["asq_acute"]), "inconsistent_flags", "$.instruments[0].flags"),
    (_asq(1, []), "inconsistent_flags", "$.instruments[0].flags"),
    (_set(("needs_medical_withdrawal_management",), "no"), "wrong_type", "$.needs_medical_withdrawal_management"),
    (_set(("home_environment_enables_use",), 0), "wrong_type", "$.home_environment_enables_use"),
    (_set(("stable_housing_and_support",), None), "wrong_type", "$.stable_housing_and_support"),
    (_set(("hours_available_per_week",), 169), "hours_out_of_range", "$.hours_available_per_week"),
    (_set(("hours_available_per_week",), -0.5), "hours_out_of_range", "$.hours_available_per_week"),
    (_set(("hours_available_per_week",), "12"), "wrong_type", "$.hours_available_per_week"),
    (_set(("hours_available_per_week",), False), "wrong_type", "$.hours_available_per_week"),
    (_set(("hours_available_per_week",), 1e999), "hours_out_of_range", "$.hours_available_per_week"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "code", "path"), BAD)
def test_each_problem_has_a_stable_code_and_path(change, code, path):
    doc = base_json()
    change(doc)

    with pytest.raises(PlacementFormatError) as error:
        assessment_from_json(doc)

    assert (error.value.code, error.value.path) == (code, path)
    assert error.value.message
    assert f"[{code}]" in str(error.value)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "not_json"),
        ("{", "not_json"),
        ('{"format": NaN}', "not_json"),
        ('{"hours_available_per_week": Infinity}', "not_json"),
        ("[" * 100_000, "not_json"),
        ('{"format": "a", "format": "b"}', "duplicate_key"),
        (b"\xff\xfe{}", "not_utf8"),
        ("[]", "wrong_type"),
        ("null", "wrong_type"),
    ],
)
def test_text_that_is_not_an_assessment_object(text, code):
    with pytest.raises(PlacementFormatError) as error:
        assessment_from_json(text)

    assert (error.value.code, error.value.path) == (code, "$")


def test_every_error_code_is_exercised_by_a_test():
    exercised = {code for _, code, _ in BAD} | {"not_json", "duplicate_key", "not_utf8"}
    exercised |= {"duplicate_dimension"}  # only reachable from Python: JSON keys are unique

    assert exercised == set(ERROR_CODES)


def test_a_dimension_given_twice_in_python_is_refused():
    dims = tuple(Dimension(n, 0, "") for n in (1, 2, 3, 3, 4, 5, 6))
    with pytest.raises(PlacementFormatError) as error:
        Assessment(Population.ADULT, dims, (), SafetyScreen.NEGATIVE, False, False, True, 10)

    assert (error.value.code, error.value.path) == ("duplicate_dimension", "$.dimensions.3")


def test_python_callers_get_the_same_checks_as_json_readers():
    dims = tuple(Dimension(n, 0, "") for n in range(1, 7))
    with pytest.raises(PlacementFormatError) as error:
        Assessment(
            "teen",  # type: ignore[arg-type]
            dims,
            (InstrumentResult("phq9", 3, ()),),
            SafetyScreen.NEGATIVE,
            False,
            False,
            True,
            10,
        )

    assert (error.value.code, error.value.path) == ("invalid_choice", "$.population")


def test_a_valid_document_reads_as_text_bytes_or_parsed_json():
    doc = base_json()
    text = json.dumps(doc)

    from_dict = assessment_from_json(doc)
    assert assessment_from_json(text) == from_dict
    assert assessment_from_json(text.encode("utf-8")) == from_dict
    assert assessment_from_json(b"\xef\xbb\xbf" + text.encode("utf-8")) == from_dict


def test_the_reader_builds_the_assessment_field_by_field():
    doc = base_json()
    doc["dimensions"]["3"] = {"rating": 2, "notes": "low mood"}
    doc["population"] = "adolescent"
    doc["hours_available_per_week"] = 7.5

    read = assessment_from_json(doc)

    assert read.population is Population.ADOLESCENT
    assert read.rating(3) == 2
    assert read.dimensions[2] == Dimension(3, 2, "low mood")
    assert read.instruments == (InstrumentResult("phq9", 5, ()),)
    assert read.hours_available_per_week == 7.5


def test_dimensions_are_stored_in_order_whatever_order_they_came_in():
    doc = base_json()
    doc["dimensions"] = dict(reversed(list(doc["dimensions"].items())))

    assert [d.number for d in assessment_from_json(doc).dimensions] == [1, 2, 3, 4, 5, 6]


def test_writing_an_assessment_reads_back_the_same():
    read = assessment_from_json(base_json())

    assert assessment_from_json(assessment_to_json(read)) == read
    assert assessment_to_json(read) == base_json()


LEVEL_KEYS = ["code", "name", "asam_label", "edition", "twenty_four_hour", "hours_per_week"]


def test_the_decision_keys_come_in_the_documented_order():
    # Through text, as a reader of the file sees it (and typed as plain JSON for mypy).
    data: dict[str, Any] = json.loads(decision_to_text(place(assessment_from_json(base_json()))))

    assert list(data) == [
        "format",
        "version",
        "rules_version",
        "population",
        "level",
        "deciding",
        "fired",
        "exclusions",
        "barriers",
        "notes",
        "would_change",
    ]
    assert (data["format"], data["version"], data["rules_version"]) == (
        "openiop.placement.decision",
        1,
        "1",
    )
    assert list(data["level"]) == LEVEL_KEYS
    assert data["level"]["hours_per_week"] == {"at_least": None, "fewer_than": 9}
    assert data["would_change"]["lower"] is None
    assert list(data["would_change"]) == ["lower", "raise"]


def test_the_decision_text_is_indented_json_with_a_final_newline():
    decision = place(assessment_from_json(base_json()))
    text = decision_to_text(decision)

    assert text.endswith("}\n")
    assert json.loads(text) == decision_to_json(decision)
