"""Input shapes for patient pages. Field lists are explicit (no mass assignment, R12)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from openiop.accounts.models import User
from openiop.core.widgets import DateInput
from openiop.patients.models import DischargeReason, EpisodeState, Language, Phase
from openiop.programs.models import Program, Track

NAME_MAX = 150


def _choose_from(
    form: forms.Form, name: str, queryset: QuerySet[Any], *, empty_label: str | None = None
) -> None:
    """Limit a model-choice field to what this user may pick (server-side, R12)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    field.queryset = queryset
    if empty_label is not None:
        field.empty_label = empty_label


class PatientSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Name or MRN")
    program = forms.ModelChoiceField(queryset=Program.objects.none(), required=False)
    track = forms.ModelChoiceField(queryset=Track.objects.none(), required=False)
    state = forms.ChoiceField(choices=[("", "Any state"), *EpisodeState.choices], required=False)
    phase = forms.ChoiceField(choices=[("", "Any phase"), *Phase.choices], required=False)

    def __init__(self, *args: Any, program_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programs = Program.objects.filter(pk__in=program_ids).order_by("name")
        tracks = Track.objects.filter(program__in=programs).select_related("program")
        _choose_from(self, "program", programs, empty_label="All my programs")
        _choose_from(
            self, "track", tracks.order_by("program__name", "name"), empty_label="Any track"
        )


class PatientRegisterForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none())
    legal_given_name = forms.CharField(label="Legal first name", max_length=NAME_MAX)
    legal_family_name = forms.CharField(label="Legal last name", max_length=NAME_MAX)
    preferred_name = forms.CharField(max_length=NAME_MAX, required=False)
    pronouns = forms.CharField(max_length=40, required=False)
    date_of_birth = forms.DateField(widget=DateInput)
    language = forms.ChoiceField(choices=Language.choices, initial=Language.ENGLISH)
    phone = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(required=False)
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label="I checked: this is a different person from the existing record.",
    )

    def __init__(self, *args: Any, program_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self, "program", Program.objects.filter(pk__in=program_ids).order_by("name"))


class AdmitForm(forms.Form):
    track = forms.ModelChoiceField(
        queryset=Track.objects.none(), required=False, empty_label="No track yet"
    )
    on = forms.DateField(label="Admission date", widget=DateInput, required=False)

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self, "track", program.tracks.order_by("name"))


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(choices=Phase.choices)


class DischargeForm(forms.Form):
    reason = forms.ChoiceField(choices=DischargeReason.choices)
    on = forms.DateField(label="Discharge date", widget=DateInput, required=False)


class CareTeamForm(forms.Form):
    member = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="(nobody)"
    )

    def __init__(self, *args: Any, eligible: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self, "member", eligible)


class ContactForm(forms.Form):
    name = forms.CharField(max_length=200)
    relationship = forms.CharField(max_length=60)
    phone = forms.CharField(max_length=40, required=False)
    email = forms.EmailField(required=False)
    is_emergency_contact = forms.BooleanField(required=False, label="Emergency contact")
    release_of_information = forms.BooleanField(
        required=False, label="Release of information signed"
    )
    release_expires_on = forms.DateField(required=False, widget=DateInput)
