"""Input shapes for questionnaires and alerts. A questionnaire form is built from the
instrument's data, so every instrument renders the same accessible way."""

from __future__ import annotations

from typing import Any

from django import forms

import engines.instruments as instruments


def _label(mapping: Any, language: str) -> str:
    return str(mapping.get(language) or mapping.get("en") or "")


class QuestionnaireForm(forms.Form):
    """One radio group per item; an item may be left blank and the engine decides whether the
    manual allows scoring without it."""

    def __init__(
        self, *args: Any, instrument: instruments.Instrument, language: str = "en", **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", instrument.id)
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.language = language if language in instrument.languages else "en"
        for item in instrument.items:
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=_label(item.text, self.language),
                choices=[(o.value, _label(o.label, self.language)) for o in item.options],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    @property
    def instructions(self) -> str:
        return _label(self.instrument.instructions, self.language)

    def answers(self) -> list[int | None]:
        """The answers in item order, without those the form told the respondent to skip;
        call after is_valid()."""
        given = [self.cleaned_data.get(f"item_{item.number}") for item in self.instrument.items]
        return instruments.drop_skipped(self.instrument, given)

    def add_scoring_error(self, message: str) -> None:
        self.add_error(None, message)


class PaperConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label="I am transcribing the patient's own paper form, exactly as they answered it.",
        error_messages={"required": "Confirm that you are transcribing the patient's paper form."},
    )


class AcknowledgeForm(forms.Form):
    action_taken = forms.CharField(
        label="Action taken",
        help_text="What was done, e.g. same-day risk assessment, safety plan reviewed, "
        "crisis team contacted.",
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"min_length": "Describe the action taken (at least 10 characters)."},
    )
