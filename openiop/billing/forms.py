"""Input shapes for the billing pages. Shape only (types, lengths, choices): the rules and
their codes live in the services, which the views call and whose problems they show next to
the fields (``add_problems``). Field lists are explicit (no mass assignment, R12)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms

from openiop.billing.benefits import BenefitValues
from openiop.billing.errors import InvalidInput
from openiop.billing.models import (
    CoverageOrder,
    PlanFrequency,
    SubscriberRelationship,
    VerificationMethod,
)
from openiop.billing.services import CallRecord, HouseholdReport, PlanDetails, PlanTerms, Span
from openiop.core.widgets import DateInput
from openiop.programs.models import LevelOfCare


def _money(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=10, decimal_places=2, **kwargs)


def add_problems(form: forms.Form, error: InvalidInput) -> None:
    """Show each problem next to its field (or above the form when it names none)."""
    for problem in error.problems:
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, forms.ValidationError(problem.message, code=problem.code))


class BenefitsForm(forms.Form):
    """The behavioral-health benefits, per benefit year."""

    in_network = forms.BooleanField(label="In network", required=False)
    requires_preauthorization = forms.BooleanField(
        label="Requires pre-authorization", required=False
    )
    copay_per_day = _money("Copay per treatment day ($)")
    coinsurance_percent = forms.DecimalField(
        label="Coinsurance (%)", max_digits=5, decimal_places=2
    )
    deductible = _money("Deductible ($)")
    deductible_met = _money("Deductible met so far ($)")
    out_of_pocket_max = _money(
        "Out-of-pocket maximum ($)", required=False, help_text="Blank if the plan has none."
    )
    out_of_pocket_met = _money("Out-of-pocket met so far ($)")
    day_limit = forms.IntegerField(
        label="Covered days per year", required=False, help_text="Blank if unlimited."
    )
    days_used = forms.IntegerField(label="Days used this year")

    def benefits(self) -> BenefitValues:
        cd = self.cleaned_data
        return BenefitValues(
            in_network=cd["in_network"],
            requires_preauthorization=cd["requires_preauthorization"],
            copay_per_day=cd["copay_per_day"],
            coinsurance_percent=cd["coinsurance_percent"],
            deductible=cd["deductible"],
            deductible_met=cd["deductible_met"],
            out_of_pocket_max=cd["out_of_pocket_max"],
            out_of_pocket_met=cd["out_of_pocket_met"],
            day_limit=cd["day_limit"],
            days_used=cd["days_used"],
        )


BENEFIT_DEFAULTS = {
    "in_network": True,
    "requires_preauthorization": True,
    "copay_per_day": Decimal("0.00"),
    "coinsurance_percent": Decimal("0.00"),
    "deductible": Decimal("0.00"),
    "deductible_met": Decimal("0.00"),
    "out_of_pocket_met": Decimal("0.00"),
    "days_used": 0,
}


class CoverageForm(BenefitsForm):
    order = forms.ChoiceField(choices=CoverageOrder.choices)
    payer_name = forms.CharField(label="Payer", max_length=200)
    plan_name = forms.CharField(label="Plan", max_length=200, required=False)
    member_id = forms.CharField(label="Member ID", max_length=80)
    group_number = forms.CharField(max_length=80, required=False)
    subscriber_name = forms.CharField(max_length=200)
    subscriber_relationship = forms.ChoiceField(
        label="Patient's relationship to the subscriber", choices=SubscriberRelationship.choices
    )
    subscriber_date_of_birth = forms.DateField(widget=DateInput, required=False)
    effective_from = forms.DateField(label="Coverage starts", widget=DateInput)
    effective_to = forms.DateField(label="Coverage ends", widget=DateInput, required=False)

    field_order = [
        "order",
        "payer_name",
        "plan_name",
        "member_id",
        "group_number",
        "subscriber_name",
        "subscriber_relationship",
        "subscriber_date_of_birth",
        "effective_from",
        "effective_to",
    ]

    def details(self) -> PlanDetails:
        cd = self.cleaned_data
        return PlanDetails(**{name: cd[name] for name in self.field_order})


class CoverageEndForm(forms.Form):
    effective_to = forms.DateField(label="Last covered day", widget=DateInput)


class VerificationForm(BenefitsForm):
    method = forms.ChoiceField(choices=VerificationMethod.choices)
    payer_reference = forms.CharField(
        label="Call reference or transaction number", max_length=80, required=False
    )
    payer_representative = forms.CharField(max_length=120, required=False)
    coverage_active = forms.BooleanField(
        label="The payer confirmed coverage is active", required=False
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    field_order = ["method", "payer_reference", "payer_representative", "coverage_active"]

    def call(self) -> CallRecord:
        cd = self.cleaned_data
        return CallRecord(
            method=cd["method"],
            coverage_active=cd["coverage_active"],
            payer_reference=cd["payer_reference"],
            payer_representative=cd["payer_representative"],
            notes=cd["notes"],
        )


class AuthorizationRequestForm(forms.Form):
    coverage = forms.TypedChoiceField(coerce=int, label="Payer")
    level = forms.ChoiceField(label="Level of care", choices=LevelOfCare.choices)
    units = forms.IntegerField(label="Units (treatment days)")
    requested_from = forms.DateField(label="From", widget=DateInput)
    requested_to = forms.DateField(label="To", widget=DateInput)

    def __init__(self, *args: Any, coverages: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["coverage"])
        field.choices = [(c.pk, f"{c.payer_name} ({c.get_order_display()})") for c in coverages]

    def span(self) -> Span:
        cd = self.cleaned_data
        return Span(cd["units"], cd["requested_from"], cd["requested_to"])


class AuthorizationApproveForm(forms.Form):
    auth_number = forms.CharField(label="Authorization number", max_length=80)
    approved_units = forms.IntegerField(label="Approved units")
    approved_from = forms.DateField(label="Approved from", widget=DateInput)
    approved_to = forms.DateField(label="Approved to", widget=DateInput)
    next_review_on = forms.DateField(
        label="Next concurrent review", widget=DateInput, required=False
    )

    def span(self) -> Span:
        cd = self.cleaned_data
        return Span(cd["approved_units"], cd["approved_from"], cd["approved_to"])


class AuthorizationDenyForm(forms.Form):
    denied_reason = forms.CharField(label="Reason given by the payer", max_length=300)


class FeeDeterminationForm(forms.Form):
    household_size = forms.IntegerField(label="Household size (persons)")
    annual_income = _money("Annual household income ($)")
    state = forms.CharField(
        label="State (USPS code)",
        max_length=2,
        min_length=2,
        help_text="Alaska (AK) and Hawaii (HI) have their own poverty guidelines.",
    )
    documents = forms.CharField(label="Income documents seen", max_length=300, required=False)
    redetermine_on = forms.DateField(
        label="Redetermine on", widget=DateInput, required=False, help_text="Default: in one year."
    )

    def report(self) -> HouseholdReport:
        cd = self.cleaned_data
        return HouseholdReport(
            household_size=cd["household_size"],
            annual_income=cd["annual_income"],
            state=cd["state"],
            documents=cd["documents"],
            redetermine_on=cd["redetermine_on"],
        )


class PaymentPlanForm(forms.Form):
    total = _money("Balance to pay ($)")
    count = forms.IntegerField(label="Number of payments")
    frequency = forms.ChoiceField(choices=PlanFrequency.choices)
    first_due = forms.DateField(label="First payment due", widget=DateInput)

    def terms(self) -> PlanTerms:
        cd = self.cleaned_data
        return PlanTerms(cd["total"], cd["count"], cd["frequency"], cd["first_due"])


class InstallmentPaidForm(forms.Form):
    paid_on = forms.DateField(label="Paid on", widget=DateInput)


class LevelChargeForm(forms.Form):
    """One level's charge; all blank means the program does not offer the level."""

    charge_per_day = _money("Charge per day ($)", required=False)
    days_per_week = forms.IntegerField(label="Days a week", required=False)
    typical_weeks = forms.IntegerField(label="Typical weeks", required=False)

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        given = [
            cd.get(n) is not None for n in ("charge_per_day", "days_per_week", "typical_weeks")
        ]
        if any(given) and not all(given):
            raise forms.ValidationError("Fill in all three, or leave all blank.", code="partial")
        return cd

    @property
    def offered(self) -> bool:
        return self.cleaned_data.get("charge_per_day") is not None


class FeeScaleForm(forms.Form):
    effective_from = forms.DateField(label="In force from", widget=DateInput)
    guideline_year = forms.TypedChoiceField(coerce=int, label="Poverty guideline year")

    def __init__(self, *args: Any, years: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["guideline_year"])
        field.choices = [(y, str(y)) for y in years]


class TierForm(forms.Form):
    """One pay class, shown as a table row (the column headers name the fields; each input
    carries its own accessible name). Leave "up to" blank on the last, open-ended class."""

    up_to_percent = forms.DecimalField(
        label="Up to (% of guideline)",
        max_digits=7,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"aria-label": "Up to (% of guideline)"}),
    )
    discount_percent = forms.DecimalField(
        label="Discount (%)",
        max_digits=5,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"aria-label": "Discount (%)"}),
    )
    flat_fee = _money(
        "Or flat fee ($)",
        required=False,
        widget=forms.NumberInput(attrs={"aria-label": "Or flat fee ($)"}),
    )
    label = forms.CharField(
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"aria-label": "Pay class label"}),
    )

    @property
    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(n) not in (None, "") for n in self.fields)


TierFormSet = forms.formset_factory(TierForm, extra=2, max_num=12, validate_max=True)
