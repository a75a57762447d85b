"""Input shapes of the portal's forms."""

from __future__ import annotations

from django import forms


class AcknowledgeForm(forms.Form):
    revision = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label="I have read and agree with my plan",
        error_messages={"required": "Tick the box to say you have read and agree with it."},
    )
    comment = forms.CharField(
        label="Anything you want your care team to know",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
