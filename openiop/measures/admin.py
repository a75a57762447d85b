"""Configuration of each program's measurement schedule (system admins only, like the rest
of the admin). Patient data — responses, links, alerts — is not in the admin."""

from __future__ import annotations

from django import forms
from django.contrib import admin

import engines.instruments as instruments
from openiop.measures.models import ScheduleEntry


class ScheduleEntryForm(forms.ModelForm[ScheduleEntry]):
    instrument = forms.ChoiceField(
        choices=[(i.id, f"{i.short_title} — {i.title}") for i in instruments.INSTRUMENTS.values()]
    )

    class Meta:
        model = ScheduleEntry
        fields = ["program", "instrument", "timepoint"]


@admin.register(ScheduleEntry)
class ScheduleEntryAdmin(admin.ModelAdmin[ScheduleEntry]):
    form = ScheduleEntryForm
    list_display = ["program", "instrument", "timepoint"]
    list_filter = ["program", "instrument", "timepoint"]
