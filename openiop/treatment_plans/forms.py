"""Input shapes of the plan tab's forms. The rules (dates within the stay, responsible staff
of the program, one active plan) live in the services; these only parse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from openiop.accounts.models import User
from openiop.core.widgets import DateInput
from openiop.patients.models import Phase
from openiop.treatment_plans.models import Modality, ObjectiveStatus

_STATEMENT = {"max_length": 300, "widget": forms.Textarea(attrs={"rows": 2})}


class ProblemForm(forms.Form):
    statement = forms.CharField(label="Problem", **_STATEMENT)  # type: ignore[arg-type]
    evidence = forms.CharField(
        label="Evidence",
        max_length=300,
        required=False,
        help_text="What showed it, e.g. a score or what the patient described.",
    )


class GoalForm(forms.Form):
    statement = forms.CharField(
        label="Goal",
        help_text="In the patient's words where possible.",
        **_STATEMENT,  # type: ignore[arg-type]
    )


class ObjectiveForm(forms.Form):
    statement = forms.CharField(label="Objective", **_STATEMENT)  # type: ignore[arg-type]
    measure = forms.CharField(
        label="How progress is measured",
        max_length=200,
        help_text="A score, a count or an observation, e.g. PHQ-9 below 10.",
    )
    target_date = forms.DateField(label="Target date", widget=DateInput)
    phase = forms.ChoiceField(label="Worked on in phase", choices=Phase.choices)


class ObjectiveStatusForm(forms.Form):
    status = forms.ChoiceField(label="Outcome", choices=ObjectiveStatus.choices)
    on = forms.DateField(
        label="On",
        required=False,
        widget=DateInput,
        help_text="When it was met or closed; today if left empty.",
    )


class InterventionForm(forms.Form):
    modality = forms.ChoiceField(label="Modality", choices=Modality.choices)
    frequency = forms.CharField(
        label="Frequency", max_length=80, help_text="e.g. 3 groups a week, weekly 50 minutes."
    )
    responsible = forms.TypedChoiceField(label="Responsible", coerce=int)
    description = forms.CharField(label="Description", max_length=300, required=False)

    def __init__(self, *args: Any, candidates: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._candidates = {user.pk: user for user in candidates}
        field: Any = self.fields["responsible"]
        field.choices = [("", "Choose…")] + [(user.pk, user.display_name) for user in candidates]

    def clean_responsible(self) -> User:
        return self._candidates[self.cleaned_data["responsible"]]


class ActivateForm(forms.Form):
    on = forms.DateField(
        label="Active from",
        required=False,
        widget=DateInput,
        help_text="Today if left empty; an earlier date when the plan was agreed earlier.",
    )


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label="Reviewed on", widget=DateInput)
    summary = forms.CharField(
        label="Summary",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Progress on each objective, what changes, and who took part.",
    )
