"""docs/placement.md cannot drift from the code: its rule table lists every rule with its
kind and floor, and it documents every error code, level, field and example."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engines.placement import LEVELS, RULES, assessment_from_json, decision_to_json, place
from engines.placement.codec import _FIELDS
from engines.placement.model import ERROR_CODES
from tests.engines.placement.cases import EXAMPLES, example_names

DOC = (Path(__file__).resolve().parents[3] / "docs" / "placement.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| ([A-Z]\d+) \| (\w+) \| (.+?) \| (.+?) \| (.+?) \|$", re.MULTILINE)


def _rule_rows() -> dict[str, tuple[str, str]]:
    rows: dict[str, tuple[str, str]] = {}
    for match in ROW.finditer(DOC):
        rule_id, kind, _condition, effect, _source = match.groups()
        assert rule_id not in rows, f"{rule_id} is listed twice"
        rows[rule_id] = (kind, effect)
    return rows


def test_the_rule_table_lists_every_rule_and_no_other():
    assert sorted(_rule_rows()) == sorted(rule.id for rule in RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_each_row_gives_the_rule_kind_and_effect(rule):
    kind, effect = _rule_rows()[rule.id]

    assert kind == rule.kind.value
    if rule.floor is not None:
        assert f"`{rule.floor}`" in effect
    if rule.note is not None:
        assert "note" in effect
    if rule.barrier:
        assert "barrier" in effect


@pytest.mark.parametrize(
    "term",
    [
        *(f"`{code}`" for code in ERROR_CODES),
        *(f"`{level.code}`" for level in LEVELS),
        *(f"`{field}`" for field in _FIELDS),
        *(f"{name}.json" for name in example_names()),
    ],
)
def test_the_doc_mentions(term):
    assert term in DOC


def _json_blocks() -> list[str]:
    return re.findall(r"```json\n(.*?)```", DOC, re.DOTALL)


def test_the_input_example_is_the_iop_example_file():
    shown = json.loads(_json_blocks()[0])

    assert shown == json.loads((EXAMPLES / "iop.json").read_text(encoding="utf-8"))


def test_the_shortened_output_example_agrees_with_the_php_decision():
    shown = json.loads(_json_blocks()[1])
    actual = decision_to_json(place(assessment_from_json((EXAMPLES / "php.json").read_bytes())))

    assert list(shown) == list(actual)
    for key in ("level", "deciding", "exclusions"):
        assert shown[key] == actual[key]
    assert shown["barriers"][0]["hours_short"] == 5
    assert shown["would_change"]["lower"]["without"] == ["V2", "V4"]
