"""The six sections of a safety plan, in the order of the Stanley–Brown Safety Planning
Intervention (Stanley & Brown 2012, Cogn Behav Pract 19:256–264; clinical.md §4): warning
signs, coping on one's own, people and places that distract, people to ask for help,
professionals and crisis lines, and making the surroundings safer.

The Stanley–Brown form is copyrighted (clinical.md §4), so the titles and prompts here are
OpenIOP's own plain-language wording, not the form's text. The plan is a collaborative
document written with the patient, not a no-suicide contract.

Entries are strings; the two contact sections hold ``{name, phone, availability}`` objects.
The 988 Suicide & Crisis Lifeline (call or text 988) is the US crisis line current safety-plan
templates name (clinical.md §4); a first plan suggests it among the professional contacts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    number: int
    title: str
    prompt: str
    contacts: bool = False
    #: At least one entry is needed before the plan can be saved.
    required: bool = False


SECTIONS: tuple[Section, ...] = (
    Section(
        "warning_signs",
        1,
        "My warning signs",
        "Thoughts, feelings, situations or behaviors that tell me a crisis may be starting.",
        required=True,
    ),
    Section(
        "coping_strategies",
        2,
        "Things I can do on my own",
        "What helps me take my mind off my problems without contacting anyone.",
        required=True,
    ),
    Section(
        "distraction_people_places",
        3,
        "People and places that take my mind off things",
        "People I can be around and places I can go that help me feel better.",
    ),
    Section(
        "help_contacts",
        4,
        "People I can ask for help",
        "Family members or friends I can tell that I am struggling.",
        contacts=True,
    ),
    Section(
        "professional_contacts",
        5,
        "Professionals and crisis lines",
        "My clinicians, crisis and after-hours lines, and where to go in an emergency.",
        contacts=True,
        required=True,
    ),
    Section(
        "environment_safety",
        6,
        "Making my surroundings safer",
        "Steps to keep away or lock up things I could use to hurt myself.",
    ),
)

SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS)
BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}

CRISIS_LINE: dict[str, str] = {
    "name": "988 Suicide & Crisis Lifeline",
    "phone": "988",
    "availability": "Any time, call or text",
}


def empty_sections() -> dict[str, list[object]]:
    """Every section, with no entries."""
    return {key: [] for key in SECTION_KEYS}


def first_plan_suggestion() -> dict[str, list[object]]:
    """What a new plan's form starts with: the crisis line among the professionals."""
    return {**empty_sections(), "professional_contacts": [dict(CRISIS_LINE)]}
