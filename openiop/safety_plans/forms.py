"""The safety-plan form: one text box per free-text section (one entry per line) and rows of
name / phone / availability for the two contact sections. Works without JavaScript: each
contact section shows its current contacts and two empty rows. Shape only; the rules are in
``entries.check_sections``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms

from openiop.safety_plans.entries import ENTRIES_MAX
from openiop.safety_plans.errors import Problem
from openiop.safety_plans.sections import SECTIONS, Section

_PARTS = ("name", "phone", "availability")
_PART_LABELS = {"name": "Name or service", "phone": "Phone", "availability": "When"}
SPARE_ROWS = 2
MIN_ROWS = 3


@dataclass(frozen=True)
class ContactRow:
    number: int
    fields: list[forms.BoundField]


@dataclass(frozen=True)
class FormSection:
    section: Section
    text: forms.BoundField | None
    rows: list[ContactRow]


def _rows_posted(data: Mapping[str, Any], key: str) -> int:
    present = [i for i in range(ENTRIES_MAX + SPARE_ROWS) if f"{key}-{i}-name" in data]
    return max(present, default=-1) + 1


class SafetyPlanForm(forms.Form):
    change_note = forms.CharField(
        label="What changed and why",
        required=False,
        max_length=300,
        help_text="Needed from the second version on, e.g. reviewed after a positive screen.",
    )

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, sections: Mapping[str, list[Any]]
    ) -> None:
        """``sections``: the entries to start from (the current version, or the first-plan
        suggestion)."""
        super().__init__(data, initial=self._initial(sections))
        self._rows: dict[str, int] = {}
        for section in SECTIONS:
            if section.contacts:
                existing = len(sections.get(section.key) or [])
                rows = max(existing + SPARE_ROWS, MIN_ROWS)
                if data is not None:
                    rows = max(_rows_posted(data, section.key), 1)
                self._rows[section.key] = rows
                for i in range(rows):
                    for part in _PARTS:
                        self.fields[f"{section.key}-{i}-{part}"] = forms.CharField(
                            label=_PART_LABELS[part], required=False
                        )
            else:
                self.fields[section.key] = forms.CharField(
                    label=section.title,
                    required=False,
                    help_text=f"{section.prompt} One per line.",
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
        self.fields["change_note"] = self.fields.pop("change_note")  # last on the page
        self._row_of: dict[str, list[int]] = {}

    @staticmethod
    def _initial(sections: Mapping[str, list[Any]]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for section in SECTIONS:
            entries = sections.get(section.key) or []
            if not section.contacts:
                initial[section.key] = "\n".join(str(e) for e in entries)
                continue
            for i, entry in enumerate(entries):
                for part in _PARTS:
                    initial[f"{section.key}-{i}-{part}"] = entry.get(part, "")
        return initial

    def layout(self) -> list[FormSection]:
        """The sections in order, with their text box or contact rows, for the template."""
        result = []
        for section in SECTIONS:
            if section.contacts:
                rows = [
                    ContactRow(i + 1, [self[f"{section.key}-{i}-{part}"] for part in _PARTS])
                    for i in range(self._rows[section.key])
                ]
                result.append(FormSection(section, None, rows))
            else:
                result.append(FormSection(section, self[section.key], []))
        return result

    def sections(self) -> dict[str, list[Any]]:
        """The entries as the service takes them (call after ``is_valid``). Empty contact
        rows are left out; which row each kept contact came from is remembered for
        ``add_problems``."""
        data = self.cleaned_data
        result: dict[str, list[Any]] = {}
        for section in SECTIONS:
            key = section.key
            if not section.contacts:
                result[key] = [line for line in data[key].splitlines() if line.strip()]
                continue
            rows = [
                (i, {part: data[f"{key}-{i}-{part}"] for part in _PARTS})
                for i in range(self._rows[key])
            ]
            kept = [(i, row) for i, row in rows if any(v.strip() for v in row.values())]
            self._row_of[key] = [i for i, _ in kept]
            result[key] = [row for _, row in kept]
        return result

    def add_problems(self, problems: tuple[Problem, ...]) -> None:
        """Show each problem next to the entry (or the section) it is about."""
        for problem in problems:
            self.add_error(self._field_for(problem), problem.message)

    def _field_for(self, problem: Problem) -> str | None:
        key = problem.section
        if key in self.fields:
            return key
        rows = self._row_of.get(key)
        if rows is None and f"{key}-0-name" not in self.fields:
            return None
        row = rows[problem.index] if rows and problem.index is not None else 0
        return f"{key}-{row}-{problem.part or 'name'}"
