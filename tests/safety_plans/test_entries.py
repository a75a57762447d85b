"""The section rules, table-driven (no database)."""

from __future__ import annotations

import pytest

from openiop.safety_plans.entries import ENTRIES_MAX, ENTRY_MAX, check_sections
from openiop.safety_plans.sections import SECTION_KEYS, SECTIONS, first_plan_suggestion
from tests.safety_plans.builders import sections


def _codes(raw):
    return [(p.code, p.section, p.index, p.part) for p in check_sections(raw)[1]]


def test_six_sections_in_stanley_brown_order_with_our_own_words():
    assert SECTION_KEYS == (
        "warning_signs",
        "coping_strategies",
        "distraction_people_places",
        "help_contacts",
        "professional_contacts",
        "environment_safety",
    )
    assert [s.number for s in SECTIONS] == [1, 2, 3, 4, 5, 6]
    assert [s.key for s in SECTIONS if s.contacts] == ["help_contacts", "professional_contacts"]
    assert first_plan_suggestion()["professional_contacts"] == [
        {
            "name": "988 Suicide & Crisis Lifeline",
            "phone": "988",
            "availability": "Any time, call or text",
        }
    ]


def test_a_complete_plan_has_no_problems_and_is_tidied():
    raw = sections(warning_signs=["  Not sleeping ", "", "   "])
    cleaned, problems = check_sections(raw)
    assert problems == []
    assert cleaned["warning_signs"] == ["Not sleeping"]
    assert list(cleaned) == list(SECTION_KEYS)


@pytest.mark.parametrize("key", ["warning_signs", "coping_strategies", "professional_contacts"])
def test_the_three_essential_sections_need_an_entry(key):
    assert _codes(sections(**{key: []})) == [("required", key, None, "")]


def test_missing_optional_sections_are_stored_empty():
    raw = {
        k: v
        for k, v in sections().items()
        if k in {"warning_signs", "coping_strategies", "professional_contacts"}
    }
    cleaned, problems = check_sections(raw)
    assert problems == []
    assert cleaned["environment_safety"] == []


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("988", True),
        ("911", True),
        ("(312) 555-0100", True),
        ("+1 312 555 0100 ext 12", True),
        ("312.555.0100 x3", True),
        ("", True),
        ("12", False),
        ("call me", False),
        ("555-0100; 555-0101", False),
        ("+1 (312) 555 0100 0000 0000", False),
    ],
)
def test_phone_numbers_are_checked_loosely(phone, ok):
    raw = sections(help_contacts=[{"name": "Ana", "phone": phone, "availability": ""}])
    codes = _codes(raw)
    assert codes == ([] if ok else [("phone_format", "help_contacts", 0, "phone")])


def test_a_contact_needs_a_name_and_each_problem_names_its_entry():
    raw = sections(
        help_contacts=[
            {"name": "Ana", "phone": "", "availability": ""},
            {"name": "", "phone": "312 555 0100", "availability": ""},
            {"name": "", "phone": "", "availability": ""},  # blank: dropped
        ]
    )
    assert _codes(raw) == [("name_required", "help_contacts", 1, "name")]


def test_length_and_count_limits():
    raw = sections(
        warning_signs=["x" * (ENTRY_MAX + 1)],
        coping_strategies=[f"Idea {n}" for n in range(ENTRIES_MAX + 1)],
        help_contacts=[{"name": "A" * 121, "phone": "988", "availability": "B" * 81}],
    )
    assert _codes(raw) == [
        ("too_long", "warning_signs", 0, ""),
        ("too_many", "coping_strategies", None, ""),
        ("too_long", "help_contacts", 0, "name"),
        ("too_long", "help_contacts", 0, "availability"),
    ]


def test_unknown_sections_and_odd_shapes_are_refused_not_lost():
    raw = sections(reasons_for_living=["My kids"], help_contacts="not a list")
    cleaned, problems = check_sections(raw)
    assert [(p.code, p.section) for p in problems] == [("unknown_section", "reasons_for_living")]
    assert cleaned["help_contacts"] == []
