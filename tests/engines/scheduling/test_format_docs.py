"""docs/scheduling-format.md and the JSON Schemas agree with the code: the example parses,
matches and validates; the schemas accept what the codec writes and refuse malformed files;
every code, weight, skill and kind the code knows is documented."""

import copy
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from engines.scheduling.codec import (
    check_solution_matches,
    instance_from_json,
    instance_to_json,
    json_from_text,
    solution_from_json,
    solution_to_json,
)
from engines.scheduling.model import DEFAULT_WEIGHTS, FormatError, SessionKind, Skill, Weight
from engines.scheduling.validator import VIOLATION_CODES as VALIDATOR_CODES
from engines.scheduling.validator import validate
from tests.engines.scheduling.cases import tiny_instance, tiny_previous, tiny_solution

DOCS = Path(__file__).resolve().parents[3] / "docs"
FORMAT_DOC = (DOCS / "scheduling-format.md").read_text(encoding="utf-8")
INSTANCE_SCHEMA = json.loads((DOCS / "schemas/scheduling-instance.schema.json").read_text())
SOLUTION_SCHEMA = json.loads((DOCS / "schemas/scheduling-solution.schema.json").read_text())

VIOLATION_CODES = [
    "unknown_reference",
    "unassigned_patient",
    "duplicate_assignment",
    "wrong_track",
    "cohort_size",
    "closed_cohort",
    "meeting_slot",
    "meeting_without_members",
    "duplicate_meeting",
    "facilitator_unqualified",
    "facilitator_unavailable",
    "room_wrong_site",
    "room_too_small",
    "staff_double_booked",
    "room_double_booked",
    "patient_double_booked",
    "individual_missing",
    "individual_not_primary",
    "primary_ineligible",
    "caseload_exceeded",
    "session_unqualified",
    "session_not_needed",
    "session_outside_availability",
    "staff_wrong_site",
    "staff_sites_per_day",
]


def example(name):
    found = re.search(rf"<!-- example: {name} -->\n```json\n(.*?)\n```", FORMAT_DOC, re.DOTALL)
    assert found, f"the {name} example is missing from scheduling-format.md"
    return json_from_text(found[1])


def validator_for(schema):
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in (INSTANCE_SCHEMA, SOLUTION_SCHEMA)
    )
    return Draft202012Validator(schema, registry=registry)


def schema_errors(schema, data):
    return [error.message for error in validator_for(schema).iter_errors(data)]


# --- the example ----------------------------------------------------------------------------


def test_the_documented_example_parses_matches_and_is_feasible():
    instance = instance_from_json(example("instance"))
    solution = solution_from_json(example("solution"))

    check_solution_matches(instance, solution)
    report = validate(instance, solution)

    assert report.feasible
    assert {w: c for w, c in report.components.items() if c} == {
        Weight.PHASE_MIX: 1,
        Weight.MEETING: 2,
    }
    assert report.objective == 5


def test_the_documented_examples_pass_their_schemas():
    assert schema_errors(INSTANCE_SCHEMA, example("instance")) == []
    assert schema_errors(SOLUTION_SCHEMA, example("solution")) == []


# --- the schemas ----------------------------------------------------------------------------


@pytest.mark.parametrize("schema", [INSTANCE_SCHEMA, SOLUTION_SCHEMA])
def test_schemas_are_valid_draft_2020_12_with_urn_ids(schema):
    Draft202012Validator.check_schema(schema)

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("urn:openiop:")
    assert schema["additionalProperties"] is False


def test_what_the_codec_writes_passes_the_schemas():
    instance = tiny_instance(previous=tiny_previous(), meta={"seed": 1})

    assert schema_errors(INSTANCE_SCHEMA, instance_to_json(instance)) == []
    assert schema_errors(SOLUTION_SCHEMA, solution_to_json(tiny_solution())) == []


def _broken(mutate):
    data = instance_to_json(tiny_instance(previous=tiny_previous()))
    data = copy.deepcopy(data)
    mutate(data)
    return data


MALFORMED_INSTANCES = {
    "newer version": lambda d: d.update(version=2),
    "missing patients": lambda d: d.pop("patients"),
    "unknown top-level field": lambda d: d.update(colour="red"),
    "phase 4": lambda d: d["patients"][0].update(phase=4),
    "time 9:00": lambda d: d["staff"][0]["availability"][0].update({"from": "9:00"}),
    "30-minute slots": lambda d: d["week"].update(slot_minutes=30),
    "negative weight": lambda d: d["weights"].update(meeting=-1),
    "unknown weight": lambda d: d["weights"].update(lunch=1),
    "unknown skill": lambda d: d["staff"][0]["skills"].append("yoga"),
    "zero capacity": lambda d: d["rooms"][0].update(capacity=0),
    "previous with an unknown kind": lambda d: d["previous"]["sessions"][0].update(kind="x"),
    "blank id": lambda d: d["sites"][0].update(id=" "),
}


@pytest.mark.parametrize("mutate", MALFORMED_INSTANCES.values(), ids=MALFORMED_INSTANCES.keys())
def test_the_instance_schema_refuses_malformed_files(mutate):
    data = _broken(mutate)

    assert schema_errors(INSTANCE_SCHEMA, data)
    with pytest.raises(FormatError):
        instance_from_json(data)


def test_the_solution_schema_refuses_malformed_files():
    data = solution_to_json(tiny_solution())

    assert schema_errors(SOLUTION_SCHEMA, {**data, "version": 2})
    assert schema_errors(SOLUTION_SCHEMA, {**data, "meetings": [{"cohort": "alpha"}]})
    assert schema_errors(SOLUTION_SCHEMA, {k: v for k, v in data.items() if k != "sessions"})


def test_the_schemas_list_the_codes_vocabularies():
    definitions = INSTANCE_SCHEMA["properties"]
    skills = definitions["staff"]["items"]["properties"]["skills"]["items"]["enum"]
    kinds = SOLUTION_SCHEMA["properties"]["sessions"]["items"]["properties"]["kind"]["enum"]

    assert set(definitions["weights"]["properties"]) == {w.value for w in Weight}
    assert set(skills) == {s.value for s in Skill}
    assert set(kinds) == {k.value for k in SessionKind}


# --- the document ---------------------------------------------------------------------------


def test_every_reader_error_code_is_documented():
    codes = set(re.findall(r"``(\w+)``", FormatError.__doc__ or "")) - {"code", "path"}

    assert len(codes) == 14
    for code in codes:
        assert f"| `{code}` |" in FORMAT_DOC, code


def test_the_validator_publishes_the_stable_violation_codes():
    assert tuple(VIOLATION_CODES) == VALIDATOR_CODES


@pytest.mark.parametrize("code", VIOLATION_CODES)
def test_every_violation_code_is_documented(code):
    assert f"`{code}`" in FORMAT_DOC


@pytest.mark.parametrize("weight", list(Weight))
def test_every_weight_is_documented_with_its_default(weight):
    row = re.search(rf"^\| `{weight.value}` \|.*\| (\d+) \|$", FORMAT_DOC, re.MULTILINE)

    assert row, weight
    assert int(row[1]) == DEFAULT_WEIGHTS[weight]
