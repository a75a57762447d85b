"""Input shapes for the attendance pages. Shape only (types, lengths, choices): the rules and
their codes live in the services, whose refusals the views show at the field or row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from openiop.attendance.models import ABSENT, AttendanceStatus
from openiop.attendance.policy import MAX_WINDOW_DAYS
from openiop.core import clock
from openiop.core.widgets import DateInput


class MarkForm(forms.Form):
    """One tap on the roster: the status button pressed, the minutes field (used for late
    and left early, ignored for absences) and the page's idempotency key."""

    status = forms.ChoiceField(choices=AttendanceStatus.choices)
    minutes = forms.IntegerField(
        required=False, help_text="Minutes attended (needed for late or left early)."
    )
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") in ABSENT:
            data["minutes"] = None  # the minutes box belongs to the other buttons
        return data

    def payload(self) -> dict[str, Any]:
        return {"status": self.cleaned_data["status"], "minutes": self.cleaned_data["minutes"]}


class CorrectForm(MarkForm):
    """A correction of an existing record: status and minutes as chosen."""

    def clean(self) -> dict[str, Any]:
        return forms.Form.clean(self) or {}


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label="What was decided",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class KioskStartForm(forms.Form):
    name = forms.CharField(
        label="Kiosk name",
        max_length=120,
        help_text="Where the device stands, e.g. 'Front desk tablet'.",
    )


class KioskCheckInForm(forms.Form):
    last_name = forms.CharField(label="Your last name", max_length=150)
    date_of_birth = forms.DateField(label="Your date of birth", widget=DateInput)
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def clean_date_of_birth(self) -> dt.date:
        value: dt.date = self.cleaned_data["date_of_birth"]
        if value > clock.now().date() or value.year < 1900:
            raise forms.ValidationError("Enter your date of birth.")
        return value


class PolicyForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    statuses = forms.MultipleChoiceField(
        label="Records that count",
        choices=AttendanceStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    threshold = forms.IntegerField(label="Threshold (records)", min_value=1, max_value=100)
    window_days = forms.IntegerField(label="Within (days)", min_value=1, max_value=MAX_WINDOW_DAYS)
