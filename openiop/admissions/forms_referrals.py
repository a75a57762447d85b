"""Input shapes for the referral pages: intake of a referral, CSV import, stage moves and the
waitlist. Field lists are explicit (no mass assignment, R12); choices are limited to what
the user may pick, server-side."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from openiop.admissions.models import CloseReason, ReferralSource, Urgency
from openiop.admissions.services.importing import (
    MAX_BYTES,
    OPTIONAL_COLUMNS,
    PROBLEM_COLUMNS,
    REQUIRED_COLUMNS,
    ImportReport,
    RejectedRow,
    RowProblem,
)
from openiop.admissions.services.referrals import Person, ReferralDetails
from openiop.core.widgets import DateInput
from openiop.patients.models import Language
from openiop.programs.models import Program, Track

NAME_MAX = 150
RESOLUTIONS = [("", "Not asked"), ("existing", "Existing"), ("different", "Different")]


class DateTimeInput(forms.DateTimeInput):
    """The browser's native date-and-time picker (a local time, without a zone)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _limit(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    field.queryset = queryset


class ReferralForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none())
    legal_given_name = forms.CharField(label="Legal first name", max_length=NAME_MAX)
    legal_family_name = forms.CharField(label="Legal last name", max_length=NAME_MAX)
    preferred_name = forms.CharField(max_length=NAME_MAX, required=False)
    pronouns = forms.CharField(max_length=40, required=False)
    date_of_birth = forms.DateField(widget=DateInput)
    language = forms.ChoiceField(choices=Language.choices, initial=Language.ENGLISH)
    phone = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(required=False)
    source = forms.ChoiceField(choices=ReferralSource.choices)
    referrer_name = forms.CharField(max_length=200, required=False)
    referrer_organization = forms.CharField(max_length=200, required=False)
    referrer_phone = forms.CharField(max_length=40, required=False)
    referrer_email = forms.EmailField(required=False)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="What the referrer or the person says they need help with.",
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.ROUTINE)
    requested_track = forms.ModelChoiceField(
        queryset=Track.objects.none(), required=False, empty_label="No preference"
    )
    insurance_payer = forms.CharField(label="Insurance (payer)", max_length=200, required=False)
    insurance_member_id = forms.CharField(label="Member id", max_length=80, required=False)
    # Set by the two buttons that answer a likely-duplicate warning.
    resolution = forms.ChoiceField(choices=RESOLUTIONS, required=False)
    existing_patient = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args: Any, program_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programs = Program.objects.filter(pk__in=program_ids).order_by("name")
        _limit(self, "program", programs)
        _limit(
            self,
            "requested_track",
            Track.objects.filter(program__in=programs)
            .select_related("program")
            .order_by("program__name", "name"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("resolution") == "existing" and not data.get("existing_patient"):
            self.add_error("existing_patient", "Choose the existing record to refer.")
        return data

    def person(self) -> Person:
        """Who is referred, as entered (for a new record)."""
        cd = self.cleaned_data
        return Person(
            legal_given_name=cd["legal_given_name"],
            legal_family_name=cd["legal_family_name"],
            date_of_birth=cd["date_of_birth"],
            phone=cd["phone"],
            email=cd["email"],
            preferred_name=cd["preferred_name"],
            pronouns=cd["pronouns"],
            language=cd["language"],
        )

    def details(self) -> ReferralDetails:
        cd = self.cleaned_data
        return ReferralDetails(
            source=ReferralSource(cd["source"]),
            reason=cd["reason"],
            urgency=Urgency(cd["urgency"]),
            referrer_name=cd["referrer_name"],
            referrer_organization=cd["referrer_organization"],
            referrer_phone=cd["referrer_phone"],
            referrer_email=cd["referrer_email"],
            requested_track=cd["requested_track"],
            insurance_payer=cd["insurance_payer"],
            insurance_member_id=cd["insurance_member_id"],
        )


class ImportForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none())
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8 CSV with the documented columns, at most {MAX_BYTES // 1000} kB.",
    )

    def __init__(self, *args: Any, program_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "program", Program.objects.filter(pk__in=program_ids).order_by("name"))

    def file_bytes(self) -> bytes:
        """The upload's bytes, reading at most one byte past the limit (the importer then
        refuses the file as too large without holding all of it)."""
        upload = self.cleaned_data["file"]
        return bytes(upload.read(MAX_BYTES + 1))


class AdvanceForm(forms.Form):
    """Moving a referral on; entering "intake scheduled" needs the appointment, entered as a
    local time in the program's zone."""

    intake_at = forms.DateTimeField(
        label="Intake appointment", widget=DateTimeInput(), required=False
    )

    def __init__(self, *args: Any, zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone

    def full_clean(self) -> None:
        # Django reads a naive local time in the current zone: make that the program's, so
        # 18:00 means 18:00 where the program is (a time skipped or repeated by a clock
        # change is refused by Django with a message).
        with timezone.override(self.zone):
            super().full_clean()


class CloseForm(forms.Form):
    reason = forms.ChoiceField(choices=CloseReason.choices)
    note = forms.CharField(max_length=300, required=False)


class WaitlistAddForm(forms.Form):
    track = forms.ModelChoiceField(queryset=Track.objects.none())

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "track", Track.objects.filter(program=program).order_by("name"))


RETURN_TO = [("referral", "Referral"), ("board", "Board")]


class ReturnForm(forms.Form):
    """Where a stage or waitlist action goes back to (an allowlist, never a URL)."""

    return_to = forms.ChoiceField(choices=RETURN_TO, required=False)


def rejected_payload(report: ImportReport) -> str:
    """The rejected rows as JSON for the report page's download form."""
    return json.dumps(
        {
            "columns": list(report.columns),
            "rows": [
                {
                    "line": r.line,
                    "cells": r.cells,
                    "problems": [[p.column, p.code, p.message] for p in r.problems],
                }
                for r in report.rejected
            ],
        },
        ensure_ascii=False,  # the size stays close to the file's (the form posts multipart)
    )


class RejectedRowsForm(forms.Form):
    """The rejected rows posted back from the report page, to be written as CSV. Nothing is
    read from the database: the rows are the ones the upload's response showed."""

    payload = forms.CharField(max_length=2 * MAX_BYTES)

    def clean_payload(self) -> tuple[tuple[str, ...], list[RejectedRow]]:
        try:
            data = json.loads(self.cleaned_data["payload"])
            return _columns(data["columns"]), [_rejected(r) for r in data["rows"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise ValidationError("The rejected rows could not be read.") from exc


def _columns(value: Any) -> tuple[str, ...]:
    known = {*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *PROBLEM_COLUMNS}
    if not isinstance(value, list) or not all(isinstance(c, str) and c in known for c in value):
        raise ValueError("columns")
    return tuple(value)


def _rejected(value: Any) -> RejectedRow:
    line, cells, problems = value["line"], value["cells"], value["problems"]
    if not isinstance(line, int) or not isinstance(cells, dict) or not isinstance(problems, list):
        raise TypeError("row")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in cells.items()):
        raise TypeError("cells")
    parsed = []
    for item in problems:
        column, code, message = item
        if not all(isinstance(x, str) for x in (column, code, message)):
            raise TypeError("problem")
        parsed.append(RowProblem(line, column, code, message))
    return RejectedRow(line=line, cells=cells, problems=tuple(parsed))
