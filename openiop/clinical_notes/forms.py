"""Input shapes for the note pages. Shape only (types, lengths, choices): the rules and their
codes live in the services, whose refusals the views show next to the fields
(``add_refusal``). Field lists are explicit (no mass assignment, R12)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms

from openiop.clinical_notes.errors import NoteRefused
from openiop.clinical_notes.models import NoteEntry, NoteKind
from openiop.clinical_notes.sections import (
    ADDENDUM_LIMIT,
    ENTRY_FIELD_LIMIT,
    ENTRY_FIELDS,
    ENTRY_LABELS,
    REASON_LIMIT,
    SECTION_LIMIT,
    sections_for,
)
from openiop.clinical_notes.selectors import NotePage
from openiop.clinical_notes.services import EntryInput
from openiop.core.widgets import DateInput
from openiop.treatment_plans.models import PlanObjective

INTENTS = (("save", "Save draft"), ("sign", "Sign"))
_ENTRY_KEY = re.compile(r"e(\d{1,18})_(?:participation|response|plan|objectives)")


def _password(label: str = "Your password") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Signing asks for your password again.",
    )


def _text(label: str, limit: int, rows: int, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


@dataclass(frozen=True, slots=True)
class EntryCard:
    """One patient's card on the edit page: their text fields and objective checkboxes."""

    entry: NoteEntry
    texts: tuple[forms.BoundField, ...]
    objectives: forms.BoundField | None


def _objective_label(objective: PlanObjective) -> str:
    return f"{objective.statement} (by {objective.target_date:%Y-%m-%d})"


def section_field(key: str) -> str:
    return f"s_{key}"


def entry_field(episode_id: int, name: str) -> str:
    return f"e{episode_id}_{name}"


class DraftForm(forms.Form):
    """The draft of one note: its sections, one card per patient, and the sign step."""

    base_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    intent = forms.ChoiceField(choices=INTENTS, initial="save")
    resolves = forms.TypedMultipleChoiceField(
        label="I have merged this version",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_identical = forms.BooleanField(
        label="Sign anyway: I have reviewed the flagged sections.", required=False
    )
    password = _password()

    def __init__(self, data: Any = None, *, page: NotePage) -> None:
        super().__init__(data, initial=self._initial(page))
        self.page = page
        self.group = page.note.kind == NoteKind.GROUP
        for section in sections_for(page.note.kind):
            rows = 8 if section.key in ("narrative", "data") else 2 if section.key == "topic" else 4
            self.fields[section_field(section.key)] = _text(
                section.label, SECTION_LIMIT, rows, section.help
            )
        for entry in page.entries:
            self._add_entry_fields(entry)
        zone = page.note.program.zone
        self.fields["resolves"].choices = [  # type: ignore[attr-defined]
            (c.conflict.pk, f"Saved {c.conflict.saved_at.astimezone(zone):%Y-%m-%d %H:%M}")
            for c in page.conflicts
        ]

    @staticmethod
    def _initial(page: NotePage) -> dict[str, Any]:
        initial: dict[str, Any] = {"base_version": page.note.version}
        initial.update({section_field(s.section.key): s.text for s in page.sections})
        for entry in page.entries:
            for name in ENTRY_FIELDS:
                initial[entry_field(entry.episode_id, name)] = getattr(entry, name)
            initial[entry_field(entry.episode_id, "objectives")] = [
                o.pk for o in entry.objectives.all()
            ]
        return initial

    def _add_entry_fields(self, entry: NoteEntry) -> None:
        if self.group:
            for name in ENTRY_FIELDS:
                self.fields[entry_field(entry.episode_id, name)] = _text(
                    ENTRY_LABELS[name], ENTRY_FIELD_LIMIT, 3
                )
        # A linked objective stays a choice even if the plan has moved on since.
        available = {o.pk: _objective_label(o) for o in entry.objectives.all()}
        for o in self.page.objectives.get(entry.episode_id, []):
            available.setdefault(o.pk, _objective_label(o))
        if available:
            self.fields[entry_field(entry.episode_id, "objectives")] = (
                forms.TypedMultipleChoiceField(
                    label="Treatment-plan objectives addressed",
                    coerce=int,
                    required=False,
                    choices=sorted(available.items()),
                    widget=forms.CheckboxSelectMultiple,
                )
            )

    def clean(self) -> dict[str, Any]:
        """Refuse entry fields for anyone the note does not document (a hand-made or stale
        form naming someone not in the group), instead of silently dropping their text."""
        cleaned = super().clean() or {}
        known = {e.episode_id for e in self.page.entries}
        named = {int(match.group(1)) for key in self.data if (match := _ENTRY_KEY.fullmatch(key))}
        if named - known:
            raise forms.ValidationError(
                "An entry names someone who did not attend this session as a member of its "
                "group. Reload the note to see who it documents.",
                code="not_in_cohort",
            )
        return cleaned

    def cards(self) -> list[EntryCard]:
        cards = []
        for entry in self.page.entries:
            texts = (
                tuple(self[entry_field(entry.episode_id, n)] for n in ENTRY_FIELDS)
                if self.group
                else ()
            )
            name = entry_field(entry.episode_id, "objectives")
            cards.append(EntryCard(entry, texts, self[name] if name in self.fields else None))
        return cards

    def section_fields(self) -> list[forms.BoundField]:
        return [self[section_field(s.key)] for s in sections_for(self.page.note.kind)]

    def body(self) -> dict[str, str]:
        return {
            s.key: self.cleaned_data[section_field(s.key)]
            for s in sections_for(self.page.note.kind)
        }

    def entry_inputs(self) -> list[EntryInput]:
        inputs = []
        for entry in self.page.entries:
            cd = self.cleaned_data
            texts = (
                {n: cd[entry_field(entry.episode_id, n)] for n in ENTRY_FIELDS}
                if self.group
                else {}
            )
            objectives = tuple(cd.get(entry_field(entry.episode_id, "objectives"), ()))
            inputs.append(EntryInput(entry.episode_id, objective_ids=objectives, **texts))
        return inputs


class AddendumForm(forms.Form):
    text = _text(
        "Addendum",
        ADDENDUM_LIMIT,
        4,
        "Dated and signed with your name; the note itself does not change.",
    )
    password = _password()


class EnteredInErrorForm(forms.Form):
    reason = _text("Reason", REASON_LIMIT, 2, "For example: written in the wrong patient's chart.")
    password = _password()


class CosignForm(forms.Form):
    password = _password()


class NoteStartForm(forms.Form):
    """A note without an appointment: the date of the service (program-local)."""

    on = forms.DateField(label="Date of service", widget=DateInput)


def add_refusal(form: forms.Form, error: NoteRefused) -> None:
    """Show a service refusal next to its field when the form has it (a section key or an
    ``<episode id>-<part>`` entry field is translated to the form's name), else above the
    form."""
    name = error.field or ""
    candidates = [name, section_field(name)]
    if "-" in name:
        episode_id, _, part = name.partition("-")
        candidates.append(f"e{episode_id}_{part}")
    target = next((c for c in candidates if c and c in form.fields), None)
    form.add_error(target, forms.ValidationError(error.message, code=error.code))
