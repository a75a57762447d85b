"""Input shapes for schedule pages. Field lists are explicit (R12); choices are limited to
the program's own staff, cohorts, rooms and patients on the server."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet

from openiop.accounts.models import User
from openiop.core.widgets import DateInput
from openiop.patients.models import EpisodeOfCare, EpisodeState, Phase
from openiop.programs.models import Cohort, Program, Room, Weekday
from openiop.scheduling.models import SessionKind

Window = tuple[int, dt.time, dt.time]
_RANGE = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*[-–]\s*(\d{1,2})(?::(\d{2}))?\s*$")


def _time(hours: str, minutes: str | None) -> dt.time:
    value = (int(hours), int(minutes or 0))
    if not (0 <= value[0] <= 23 and 0 <= value[1] <= 59):
        raise forms.ValidationError("Hours run from 0 to 23 and minutes from 0 to 59.")
    return dt.time(*value)


def parse_ranges(text: str) -> list[tuple[dt.time, dt.time]]:
    """ "9-12, 13:30-16" → [(09:00, 12:00), (13:30, 16:00)]. Raises ValidationError."""
    ranges = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = _RANGE.match(part)
        if match is None:
            raise forms.ValidationError(f"“{part}” is not a time range like 09:00-12:00.")
        begin, end = _time(match[1], match[2]), _time(match[3], match[4])
        if end <= begin:
            raise forms.ValidationError(f"“{part}” ends before it starts.")
        ranges.append((begin, end))
    return ranges


def format_ranges(windows: list[tuple[dt.time, dt.time]]) -> str:
    return ", ".join(f"{b:%H:%M}-{e:%H:%M}" for b, e in windows)


class WindowsForm(forms.Form):
    """Weekly availability as one text field per weekday ("09:00-12:00, 18:00-21:00")."""

    def __init__(self, *args: Any, windows: list[Window] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        for day in Weekday:
            self.fields[f"day_{day.value}"] = forms.CharField(
                label=day.label,
                required=False,
                max_length=200,
                initial=format_ranges([(b, e) for d, b, e in windows if d == day.value]),
            )

    def windows(self) -> list[Window]:
        """The cleaned windows (after ``is_valid``)."""
        found = []
        for day in Weekday:
            text = self.cleaned_data.get(f"day_{day.value}") or ""
            found += [(day.value, b, e) for b, e in parse_ranges(text)]
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day in Weekday:
            name = f"day_{day.value}"
            try:
                parse_ranges(data.get(name) or "")
            except forms.ValidationError as error:
                self.add_error(name, error)
        return data


class NeedsForm(forms.Form):
    individual_per_week = forms.IntegerField(
        min_value=0, max_value=5, label="Individual sessions per week"
    )
    emdr = forms.BooleanField(required=False, label="Needs an EMDR-trained therapist")
    family = forms.BooleanField(required=False, label="A family session is wanted this week")
    psychiatry_due = forms.BooleanField(required=False, label="A psychiatry visit is due")


class HourBandsForm(forms.Form):
    """The weekly hour band of each phase (whole hours)."""

    def __init__(self, *args: Any, bands: Mapping[Phase, tuple[int, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for phase in Phase:
            low, high = bands[phase]
            self.fields[f"{phase.value}_min"] = forms.IntegerField(
                min_value=0, max_value=60, initial=low, label=f"{phase.label}: fewest hours"
            )
            self.fields[f"{phase.value}_max"] = forms.IntegerField(
                min_value=0, max_value=60, initial=high, label=f"{phase.label}: most hours"
            )

    def bands(self) -> dict[Phase, tuple[int, int]]:
        data = self.cleaned_data
        return {p: (data[f"{p.value}_min"], data[f"{p.value}_max"]) for p in Phase}


class _PatientsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.patient.display_name)


def _limit(form: forms.Form, name: str, queryset: QuerySet[Any]) -> forms.ModelChoiceField[Any]:
    """Offer only the program's own rows (checked on the server, R12)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    field.queryset = queryset
    return field


class SessionForm(forms.Form):
    """A session made by hand. Times are local to the program."""

    kind = forms.ChoiceField(choices=SessionKind.choices)
    date = forms.DateField(widget=DateInput)
    starts_at = forms.TimeField(label="Starts", widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label="Ends", widget=forms.TimeInput(attrs={"type": "time"}))
    clinician = forms.ModelChoiceField(queryset=User.objects.none())
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.none(), required=False)
    room = forms.ModelChoiceField(queryset=Room.objects.none(), required=False)
    episodes = _PatientsField(
        queryset=EpisodeOfCare.objects.none(),
        required=False,
        label="Patients",
        help_text="For a group, leave empty to invite the cohort's current members.",
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        clinicians = User.objects.filter(
            memberships__program=program, memberships__is_active=True
        ).distinct()
        _limit(self, "clinician", clinicians.order_by("last_name", "first_name"))
        _limit(self, "cohort", Cohort.objects.filter(track__program=program).order_by("name"))
        _limit(self, "room", Room.objects.filter(site=program.site_id).order_by("name"))
        episodes = EpisodeOfCare.objects.filter(program=program, state=EpisodeState.ADMITTED)
        _limit(
            self,
            "episodes",
            episodes.select_related("patient").order_by("patient__legal_family_name"),
        )

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        """Aware UTC start and end from the local date and times (after ``is_valid``)."""
        data, zone = self.cleaned_data, self.program.zone
        start = dt.datetime.combine(data["date"], data["starts_at"], zone)
        end = dt.datetime.combine(data["date"], data["ends_at"], zone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)
