"""The documented examples (docs/examples/placement/) place as their decision files say,
byte for byte, and between them they show every kind of recommendation the docs promise."""

from __future__ import annotations

import json

import pytest

from engines.placement import assessment_from_json, decision_to_text, place
from tests.engines.placement.cases import EXAMPLES, example_names

EXPECTED_LEVELS = {
    "op": "op",
    "iop": "iop",
    "php": "php",
    "inpatient-acute-screen": "inpatient",
    "withdrawal-management": "withdrawal_management",
    "residential-unsafe-home": "residential",
    "adolescent-iop": "iop",
}


def test_the_examples_are_the_documented_set():
    assert example_names() == sorted(EXPECTED_LEVELS)


@pytest.mark.parametrize("name", example_names())
def test_each_example_places_as_its_decision_file_says(name):
    assessment = assessment_from_json((EXAMPLES / f"{name}.json").read_bytes())
    expected = (EXAMPLES / f"{name}.decision.json").read_text(encoding="utf-8")

    text = decision_to_text(place(assessment))

    assert json.loads(text) == json.loads(expected)
    assert text == expected
    assert json.loads(text)["level"]["code"] == EXPECTED_LEVELS[name]


def test_the_acute_screen_example_is_decided_by_the_safety_rule():
    decision = json.loads((EXAMPLES / "inpatient-acute-screen.decision.json").read_text())

    assert decision["deciding"] == ["S1"]
    assert decision["would_change"]["lower"]["safety"] is True


def test_the_unsafe_home_example_is_decided_by_the_environment_rules():
    decision = json.loads((EXAMPLES / "residential-unsafe-home.decision.json").read_text())

    assert decision["deciding"] == ["E1", "E2"]


def test_the_partial_hospitalization_example_shows_an_hours_barrier():
    decision = json.loads((EXAMPLES / "php.decision.json").read_text())

    assert [(b["rule"], b["hours_short"]) for b in decision["barriers"]] == [("F1", 5)]
