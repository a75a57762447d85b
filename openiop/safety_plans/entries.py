"""Checking and tidying the entries of a safety plan's six sections (plain data in, plain
data out; no database).

Rules: each section is a list; string sections hold short free-text entries, contact sections
``{name, phone, availability}`` objects with a name and, when given, a phone number in a loose
format (digits with spaces, ``+ ( ) - .`` and an optional extension, 3 to 15 digits: "988",
"(312) 555-0100", "+1 312 555 0100 ext 12"). Blank entries are dropped. Warning signs,
coping strategies and professional contacts need at least one entry: a plan without them
does not tell the patient what to watch for, what to do, or whom to call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from openiop.safety_plans.errors import Problem
from openiop.safety_plans.sections import BY_KEY, SECTIONS, Section

ENTRY_MAX = 300
NAME_MAX = 120
PHONE_MAX = 40
AVAILABILITY_MAX = 80
ENTRIES_MAX = 15
_PHONE = re.compile(r"^\+?[0-9()\-. ]+(\s*(ext\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE)
_DIGITS_MIN, _DIGITS_MAX = 3, 15

Sections = dict[str, list[Any]]


def _phone_problem(phone: str) -> str | None:
    if not phone:
        return None
    main = re.split(r"(?i)ext\.?|x", phone, maxsplit=1)[0]
    digits = sum(c.isdigit() for c in main)
    if not _PHONE.match(phone) or not _DIGITS_MIN <= digits <= _DIGITS_MAX:
        return "Use digits, spaces and + ( ) - only, e.g. 988 or (312) 555-0100."
    return None


def _contact(section: Section, index: int, raw: Any, problems: list[Problem]) -> dict[str, str]:
    raw = raw if isinstance(raw, Mapping) else {}
    entry = {part: str(raw.get(part) or "").strip() for part in ("name", "phone", "availability")}
    limits = {"name": NAME_MAX, "phone": PHONE_MAX, "availability": AVAILABILITY_MAX}
    for part, limit in limits.items():
        if len(entry[part]) > limit:
            problems.append(
                Problem("too_long", section.key, f"Keep it to {limit} characters.", index, part)
            )
    if not entry["name"]:
        message = "Add who this is (a name, a role or a service)."
        problems.append(Problem("name_required", section.key, message, index, "name"))
    phone = _phone_problem(entry["phone"])
    if phone and len(entry["phone"]) <= PHONE_MAX:
        problems.append(Problem("phone_format", section.key, phone, index, "phone"))
    return entry


def _is_blank(section: Section, raw: Any) -> bool:
    if section.contacts:
        return not isinstance(raw, Mapping) or not any(
            str(raw.get(p) or "").strip() for p in ("name", "phone", "availability")
        )
    return not str(raw or "").strip()


def _section(section: Section, raw: Any, problems: list[Problem]) -> list[Any]:
    given = [e for e in (raw if isinstance(raw, list | tuple) else []) if not _is_blank(section, e)]
    if len(given) > ENTRIES_MAX:
        message = f"Keep this section to {ENTRIES_MAX} entries (it has {len(given)})."
        problems.append(Problem("too_many", section.key, message))
        given = given[:ENTRIES_MAX]
    entries: list[Any] = []
    for index, raw_entry in enumerate(given):
        if section.contacts:
            entries.append(_contact(section, index, raw_entry, problems))
            continue
        entry = str(raw_entry).strip()
        if len(entry) > ENTRY_MAX:
            message = f"Keep each entry to {ENTRY_MAX} characters (this one has {len(entry)})."
            problems.append(Problem("too_long", section.key, message, index))
        entries.append(entry)
    if section.required and not entries:
        problems.append(
            Problem("required", section.key, f"Add at least one entry to “{section.title}”.")
        )
    return entries


def check_sections(sections: Mapping[str, Any]) -> tuple[Sections, list[Problem]]:
    """The tidied sections (all six keys, in order) and every problem found. Keys that are
    not sections are a problem too (they would be silently lost)."""
    problems = [
        Problem("unknown_section", str(key), f"“{key}” is not a section of the safety plan.")
        for key in sections
        if key not in BY_KEY
    ]
    cleaned = {s.key: _section(s, sections.get(s.key, []), problems) for s in SECTIONS}
    return cleaned, problems
