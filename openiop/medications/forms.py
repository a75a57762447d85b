"""Input shapes for the medications chart tab. Shape only (types, lengths, choices): the rules
and their codes live in the services, whose refusals the views show next to the field they
name (``add_refusal``). Field lists are explicit (no mass assignment, R12)."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from openiop.accounts.models import User
from openiop.core.errors import DomainError
from openiop.core.widgets import DateInput
from openiop.medications.models import ScreenResult


def add_refusal(form: forms.Form, error: DomainError) -> None:
    """Show a service refusal next to its field (or above the form when it names none)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, forms.ValidationError(error.message, code=error.code))


class MedicationStartForm(forms.Form):
    drug = forms.CharField(label="Drug", max_length=200, help_text="e.g. sertraline")
    dose = forms.CharField(label="Dose", max_length=80, help_text="e.g. 50 mg")
    frequency = forms.CharField(
        label="Frequency", max_length=80, help_text="e.g. once daily in the morning"
    )
    prescriber = forms.TypedChoiceField(label="Prescriber", coerce=int)
    started_on = forms.DateField(
        label="Start date",
        widget=DateInput,
        help_text="May be in the past, or scheduled up to 30 days ahead.",
    )

    def __init__(self, *args: object, prescribers: Sequence[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["prescriber"] = forms.TypedChoiceField(
            label="Prescriber",
            coerce=int,
            choices=[(u.pk, u.display_name) for u in prescribers],
        )


class MedicationChangeForm(forms.Form):
    dose = forms.CharField(label="New dose", max_length=80)
    frequency = forms.CharField(label="New frequency", max_length=80)
    effective_on = forms.DateField(label="Effective from", widget=DateInput)


class MedicationStopForm(forms.Form):
    stopped_on = forms.DateField(label="Stop date", widget=DateInput)
    reason = forms.CharField(
        label="Reason", max_length=300, help_text="e.g. side effects, no longer needed"
    )


SPECIMENS = [
    ("urine", "Urine"),
    ("oral fluid", "Oral fluid"),
    ("breath", "Breath"),
    ("blood", "Blood"),
    ("hair", "Hair"),
]
# A common point-of-care panel in outpatient substance-use treatment (plus fentanyl and the
# treatment medications, whose presence confirms adherence).
PANEL = (
    ("alcohol", "Alcohol (EtG)"),
    ("amphetamines", "Amphetamines"),
    ("benzodiazepines", "Benzodiazepines"),
    ("buprenorphine", "Buprenorphine"),
    ("cannabinoids", "Cannabinoids (THC)"),
    ("cocaine", "Cocaine"),
    ("fentanyl", "Fentanyl"),
    ("methadone", "Methadone"),
    ("methamphetamine", "Methamphetamine"),
    ("opiates", "Opiates"),
    ("oxycodone", "Oxycodone"),
)
OTHER_ROWS = 2
RESULT_CHOICES = [("", "Not tested"), *ScreenResult.choices]


class DrugScreenForm(forms.Form):
    """One screen: the panel's substances each with a result (blank = not tested) and up to
    two other substances by name."""

    collected_on = forms.DateField(label="Collected on", widget=DateInput)
    specimen = forms.ChoiceField(label="Specimen", choices=SPECIMENS)
    comment = forms.CharField(label="Comment", max_length=300, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for key, label in PANEL:
            self.fields[f"panel_{key}"] = forms.ChoiceField(
                label=label, choices=RESULT_CHOICES, required=False
            )
        for n in range(1, OTHER_ROWS + 1):
            self.fields[f"other{n}_substance"] = forms.CharField(
                label=f"Other substance {n}",
                max_length=80,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": "Other substance"}),
            )
            self.fields[f"other{n}_result"] = forms.ChoiceField(
                label=f"Result of other substance {n}", choices=RESULT_CHOICES, required=False
            )

    def panel_fields(self) -> list[forms.BoundField]:
        return [self[f"panel_{key}"] for key, _ in PANEL]

    def other_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"other{n}_substance"], self[f"other{n}_result"])
            for n in range(1, OTHER_ROWS + 1)
        ]

    def results(self) -> list[dict[str, str]]:
        """The tested substances as ``[{substance, result}]``; an "other" row counts when
        either half is filled in (so a name without a result is refused, not dropped)."""
        cd = self.cleaned_data
        rows = [
            {"substance": label, "result": cd[f"panel_{key}"]}
            for key, label in PANEL
            if cd[f"panel_{key}"]
        ]
        for n in range(1, OTHER_ROWS + 1):
            substance, result = cd[f"other{n}_substance"], cd[f"other{n}_result"]
            if substance.strip() or result:
                rows.append({"substance": substance, "result": result})
        return rows
