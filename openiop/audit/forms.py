from __future__ import annotations

from django import forms

from openiop.audit.models import DataCategory, Outcome
from openiop.audit.selectors import SORTABLE_COLUMNS
from openiop.core.widgets import DateInput

SORT_CHOICES = [(c, c) for c in SORTABLE_COLUMNS] + [(f"-{c}", f"-{c}") for c in SORTABLE_COLUMNS]


class AuditFilterForm(forms.Form):
    start = forms.DateField(required=False, widget=DateInput, label="From (UTC)")
    end = forms.DateField(required=False, widget=DateInput, label="To (UTC, inclusive)")
    actor = forms.CharField(required=False, max_length=150, label="User")
    patient = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, label="Patient id"
    )
    action = forms.CharField(required=False, max_length=64)
    outcome = forms.ChoiceField(required=False, choices=[("", "Any"), *Outcome.choices])
    category = forms.ChoiceField(required=False, choices=[("", "Any"), *DataCategory.choices])
    part2_only = forms.BooleanField(required=False, label="Part 2 data only")
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date is before the start date.")
        return data
