"""Input shapes of the intake pages: the assessment, the level-of-care decision and the
admission. Field lists are explicit (no mass assignment, security.md R12); choices are
limited server-side to what the referral's program offers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from engines.placement.model import DIMENSION_NAMES
from openiop.accounts.models import User
from openiop.admissions.models import (
    DIMENSIONS,
    HousingStability,
    IntakeAssessment,
    PlacementLevel,
    Referral,
    SafetyScreen,
)
from openiop.admissions.readiness import ITEMS
from openiop.admissions.services.admission import Release
from openiop.admissions.services.intake import AssessmentInput, DimensionInput
from openiop.consents import part2
from openiop.consents.services import Part2Terms, Signature
from openiop.core.widgets import DateInput
from openiop.patients.models import PatientContact
from openiop.patients.selectors import care_team_candidates
from openiop.programs.models import Cohort, Enrollment, Track

SECTIONS = (
    ("presenting_problem", "Presenting problem"),
    ("trauma_history", "Trauma history"),
    ("substance_use", "Substance use"),
    ("medical", "Medical"),
    ("psychiatric_history", "Psychiatric history"),
    ("risk", "Risk"),
    ("supports", "Supports"),
)
RATINGS = [
    ("", "Not rated yet"),
    ("0", "0 – none"),
    ("1", "1 – mild"),
    ("2", "2 – moderate"),
    ("3", "3 – serious"),
    ("4", "4 – severe"),
]
FACTS = (
    "needs_medical_withdrawal_management",
    "home_environment_enables_use",
    "stable_housing_and_support",
)


def dimension_label(number: int) -> str:
    """ASAM 3rd-edition dimension name (clinical.md §1.3), capitalized for a label."""
    name = DIMENSION_NAMES[number]
    return f"Dimension {number}: {name[0].upper()}{name[1:]}"


def _text(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AssessmentForm(forms.Form):
    housing = forms.ChoiceField(
        label="Housing stability",
        choices=[("", "Not assessed yet"), *HousingStability.choices],
        required=False,
    )
    housing_notes = _text("Housing notes")
    obligations = _text("Work, school and care obligations")
    hours_available_per_week = forms.DecimalField(
        label="Hours a week the patient can attend",
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=168,
        required=False,
    )
    safety_screen = forms.ChoiceField(
        label="Suicide-risk safety screen (ASQ category)",
        choices=[("", "Not screened yet"), *SafetyScreen.choices],
        required=False,
    )
    needs_medical_withdrawal_management = forms.BooleanField(
        label="Needs medically monitored or managed withdrawal management", required=False
    )
    home_environment_enables_use = forms.BooleanField(
        label="The home environment enables use or undermines recovery", required=False
    )
    stable_housing_and_support = forms.BooleanField(
        label="Has stable housing and a supportive person at home", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in SECTIONS:
            self.fields[name] = _text(label)
        for n in DIMENSIONS:
            self.fields[f"dimension_{n}_rating"] = forms.TypedChoiceField(
                label=f"{dimension_label(n)}: rating",
                choices=RATINGS,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"dimension_{n}_notes"] = _text(f"{dimension_label(n)}: notes")
        for item in ITEMS:
            self.fields[f"ready_{item.code}"] = forms.BooleanField(
                label=item.label, help_text=item.why, required=False
            )

    def section_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in SECTIONS]

    def dimension_fields(self) -> Iterator[tuple[str, forms.BoundField, forms.BoundField]]:
        for n in DIMENSIONS:
            yield dimension_label(n), self[f"dimension_{n}_rating"], self[f"dimension_{n}_notes"]

    def readiness_fields(self) -> list[forms.BoundField]:
        return [self[f"ready_{item.code}"] for item in ITEMS]

    def to_input(self) -> AssessmentInput:
        cd = self.cleaned_data
        plain = {name: cd[name] for name, _ in SECTIONS}
        others = ("housing", "housing_notes", "obligations", "hours_available_per_week")
        plain |= {name: cd[name] for name in (*others, "safety_screen", *FACTS)}
        return AssessmentInput(
            **plain,
            dimensions=tuple(
                DimensionInput(cd[f"dimension_{n}_rating"], cd[f"dimension_{n}_notes"])
                for n in DIMENSIONS
            ),
            readiness={item.code: bool(cd[f"ready_{item.code}"]) for item in ITEMS},
        )


def assessment_initial(assessment: IntakeAssessment | None) -> dict[str, Any]:
    """The form's starting values: a saved assessment's (a re-assessment starts from the
    last completed one), or the model's defaults."""
    if assessment is None:
        return {"stable_housing_and_support": True}
    names = [name for name, _ in SECTIONS] + list(FACTS)
    names += ["housing", "housing_notes", "obligations", "hours_available_per_week"]
    names += ["safety_screen"]
    names += [f"dimension_{n}_{part}" for n in DIMENSIONS for part in ("rating", "notes")]
    initial = {name: getattr(assessment, name) for name in names}
    initial |= {f"ready_{code}": value for code, value in assessment.readiness.items()}
    return initial


class DecisionForm(forms.Form):
    clinical_level = forms.ChoiceField(label="Clinical level of care", choices=[])
    override_reason = forms.CharField(
        label="Reason (required when the clinical level differs from the recommendation)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, levels: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["clinical_level"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared just above
        field.choices = levels

    def level(self) -> PlacementLevel:
        return PlacementLevel(self.cleaned_data["clinical_level"])


def _choose(field: forms.Field, queryset: QuerySet[Any]) -> None:
    """Limit a model-choice field to what this referral may pick (server-side, R12)."""
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError("not a model choice field")
    field.queryset = queryset


PART2_FIELDS = (
    ("discloser", "Who may disclose (program or person)"),
    ("recipient", "To whom (recipients)"),
    ("purpose", "For what purpose"),
    ("information", "Which information"),
)


class AdmissionForm(forms.Form):
    track = forms.ModelChoiceField(queryset=Track.objects.none())
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(),
        required=False,
        label="Group (cohort)",
        empty_label="The track's open group with the most room",
    )
    starts_on = forms.DateField(label="Start date", widget=DateInput)
    therapist = forms.ModelChoiceField(queryset=User.objects.none(), label="Primary therapist")
    prescriber = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="(nobody yet)"
    )
    case_manager = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="(nobody yet)"
    )
    signed_by_name = forms.CharField(label="Consents signed by", max_length=200)
    signer_authority = forms.CharField(
        label="Signing for the patient as (blank when the patient signs)",
        max_length=100,
        required=False,
    )
    signed_on = forms.DateField(label="Date signed", widget=DateInput)
    treatment_consent = forms.BooleanField(label="The consent to treatment is signed")

    def __init__(self, *args: Any, referral: Referral, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        episode = referral.episode
        program = episode.program
        _choose(self.fields["track"], program.tracks.order_by("name"))
        _choose(
            self.fields["cohort"],
            Cohort.objects.filter(track__program=program, enrollment=Enrollment.ROLLING)
            .select_related("track")
            .order_by("track__name", "name"),
        )
        for seat, name in (("primary_therapist", "therapist"), ("prescriber", "prescriber")):
            _choose(self.fields[name], care_team_candidates(episode, seat))
        _choose(self.fields["case_manager"], care_team_candidates(episode, "case_manager"))
        self.contacts = list(PatientContact.objects.filter(patient_id=episode.patient_id))
        self._add_release_fields()
        self.is_part2 = program.is_part2
        if self.is_part2:
            self._add_part2_fields(program.name)
        patient = episode.patient
        self.initial = {
            "track": referral.requested_track_id,
            "starts_on": today,
            "signed_on": today,
            "signed_by_name": f"{patient.legal_given_name} {patient.legal_family_name}",
            **self.initial,
        }

    def _add_release_fields(self) -> None:
        for contact in self.contacts:
            self.fields[f"release_{contact.pk}"] = forms.BooleanField(
                label=f"Release of information to {contact.name} ({contact.relationship})",
                required=False,
            )
            self.fields[f"release_{contact.pk}_expires"] = forms.DateField(
                label="Release valid through (blank: until revoked)",
                required=False,
                widget=DateInput,
            )

    def _add_part2_fields(self, program_name: str) -> None:
        initial = {
            "discloser": program_name,
            "recipient": part2.TPO_RECIPIENT,
            "purpose": part2.TPO_PURPOSE,
            "information": "My substance use disorder treatment records at this program, "
            "including diagnoses, attendance, progress and medications",
        }
        for name, label in PART2_FIELDS:
            self.fields[f"part2_{name}"] = forms.CharField(
                label=label, max_length=300, initial=initial[name]
            )
        self.fields["part2_expires_on"] = forms.DateField(
            label="Expires on (or give an event below)", required=False, widget=DateInput
        )
        self.fields["part2_expires_on_event"] = forms.CharField(
            label="Expires at this event",
            max_length=200,
            required=False,
            initial="When I revoke it in writing",
        )
        self.fields["part2_statements_read"] = forms.BooleanField(
            label="The patient was given the statements above and signed the Part 2 consent"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        track, cohort = data.get("track"), data.get("cohort")
        if track is not None and cohort is not None and cohort.track_id != track.pk:
            self.add_error("cohort", "That group meets in another track.")
        return data

    def release_rows(self) -> list[tuple[PatientContact, forms.BoundField, forms.BoundField]]:
        return [
            (c, self[f"release_{c.pk}"], self[f"release_{c.pk}_expires"]) for c in self.contacts
        ]

    def part2_fields(self) -> list[forms.BoundField]:
        if not self.is_part2:
            return []
        names = [f"part2_{name}" for name, _ in PART2_FIELDS]
        names += ["part2_expires_on", "part2_expires_on_event", "part2_statements_read"]
        return [self[name] for name in names]

    def releases(self) -> list[Release]:
        cd = self.cleaned_data
        return [
            Release(contact=c, expires_on=cd[f"release_{c.pk}_expires"])
            for c in self.contacts
            if cd[f"release_{c.pk}"]
        ]

    def part2_terms(self) -> Part2Terms | None:
        if not self.is_part2:
            return None
        cd = self.cleaned_data
        return Part2Terms(
            discloser=cd["part2_discloser"],
            recipient=cd["part2_recipient"],
            purpose=cd["part2_purpose"],
            information=cd["part2_information"],
            expires_on=cd["part2_expires_on"],
            expires_on_event=cd["part2_expires_on_event"],
        )

    def signature(self) -> Signature:
        cd = self.cleaned_data
        return Signature(cd["signed_by_name"], cd["signed_on"], cd["signer_authority"])


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
