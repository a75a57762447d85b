"""Money around an episode: insurance coverage and its behavioral-health benefits, benefits
verifications, pre-authorizations, the program's charges and sliding fee scale, a patient's
fee determination and payment plans. Rules live in ``openiop.billing.services`` and the pure
``engines.fees``; an authorization's state is always derived (``openiop.billing.authorizations``),
never stored."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare, Patient
from openiop.programs.models import LevelOfCare, Program


def _money(*, default: int | None = None, optional: bool = False) -> Any:
    """A non-negative amount in dollars and cents."""
    extra: dict[str, Any] = {"null": True, "blank": True} if optional else {}
    if default is not None:
        extra["default"] = default
    return models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0)], **extra
    )


class SubscriberRelationship(models.TextChoices):
    SELF = "self", "Self"
    SPOUSE = "spouse", "Spouse or partner"
    PARENT = "parent", "Parent or guardian"
    OTHER = "other", "Other"


class CoverageOrder(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"


class Coverage(models.Model):
    """An insurance plan covering the patient, with the behavioral-health benefits as last
    verified. Amounts are per benefit year."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="coverages")
    order = models.CharField(max_length=10, choices=CoverageOrder.choices)
    payer_name = models.CharField(max_length=200)
    plan_name = models.CharField(max_length=200, blank=True)
    member_id = models.CharField(max_length=80)
    group_number = models.CharField(max_length=80, blank=True)
    subscriber_name = models.CharField(max_length=200)
    subscriber_relationship = models.CharField(max_length=8, choices=SubscriberRelationship.choices)
    subscriber_date_of_birth = models.DateField(null=True, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    in_network = models.BooleanField(default=True)
    requires_preauthorization = models.BooleanField(default=True)
    copay_per_day = _money(default=0)
    coinsurance_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    deductible = _money(default=0)
    deductible_met = _money(default=0)
    out_of_pocket_max = _money(optional=True)
    out_of_pocket_met = _money(default=0)
    day_limit = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Covered treatment days per year; blank if unlimited."
    )
    days_used = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="coverage_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(deductible_met__lte=models.F("deductible")),
                name="coverage_deductible_met_within",
            ),
            models.CheckConstraint(
                condition=Q(coinsurance_percent__gte=0, coinsurance_percent__lte=100),
                name="coverage_coinsurance_percent",
            ),
            models.UniqueConstraint(
                fields=["patient", "order"],
                condition=Q(ended_at__isnull=True),
                name="coverage_one_current_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer_name} ({self.get_order_display()})"


class VerificationMethod(models.TextChoices):
    PHONE = "phone", "Phone call to the payer"
    PORTAL = "portal", "Payer portal"
    ELIGIBILITY_270 = "x12_270", "Electronic eligibility (270/271)"


class BenefitsVerification(models.Model):
    """Who confirmed what with the payer, and when. ``confirmed`` snapshots the benefit
    values as confirmed, so a later change to the coverage never rewrites history."""

    coverage = models.ForeignKey(Coverage, on_delete=models.PROTECT, related_name="verifications")
    episode = models.ForeignKey(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="benefits_verifications"
    )
    method = models.CharField(max_length=8, choices=VerificationMethod.choices)
    payer_reference = models.CharField(
        max_length=80, blank=True, help_text="Call reference or transaction number."
    )
    payer_representative = models.CharField(max_length=120, blank=True)
    coverage_active = models.BooleanField()
    confirmed = models.JSONField(help_text="The benefit values confirmed, by field name.")
    notes = models.TextField(blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Verification {self.pk} of coverage {self.coverage_id}"


class Authorization(models.Model):
    """A pre-authorization request and, once the payer answers, its approval or denial.
    State (pending, active, expiring, exhausted, expired, denied) is derived from these
    dates and the episode's service days, never stored."""

    episode = models.ForeignKey(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="authorizations"
    )
    coverage = models.ForeignKey(Coverage, on_delete=models.PROTECT, related_name="authorizations")
    level = models.CharField(max_length=8, choices=LevelOfCare.choices)
    requested_units = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    requested_from = models.DateField()
    requested_to = models.DateField()
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    auth_number = models.CharField(max_length=80, blank=True)
    approved_units = models.PositiveSmallIntegerField(null=True, blank=True)
    approved_from = models.DateField(null=True, blank=True)
    approved_to = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    denied_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_to__gte=models.F("requested_from")),
                name="authorization_request_ordered",
            ),
            models.CheckConstraint(
                condition=Q(approved_from__isnull=True)
                | Q(approved_to__gte=models.F("approved_from")),
                name="authorization_approval_ordered",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True)
                | ~Q(denied_reason="")
                | Q(
                    approved_units__isnull=False,
                    approved_from__isnull=False,
                    approved_to__isnull=False,
                )
                & ~Q(auth_number=""),
                name="authorization_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Authorization {self.pk} ({self.get_level_display()})"


class ProgramCharge(models.Model):
    """What the program charges per treatment day at a level of care, and the usual days a
    week and weeks, for estimates (per-diem billing; clinical.md §1.4–1.5)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="charges")
    level = models.CharField(max_length=8, choices=LevelOfCare.choices)
    charge_per_day = _money()
    days_per_week = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    typical_weeks = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "level"], name="charge_one_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.charge_per_day}/day"


class SlidingFeeScale(models.Model):
    """A program's discount tiers by income as a percentage of the HHS poverty guideline.
    ``tiers`` is validated by ``engines.fees`` before it is saved."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="fee_scales")
    effective_from = models.DateField()
    guideline_year = models.PositiveSmallIntegerField()
    tiers = models.JSONField(
        help_text="[{up_to_percent, discount_percent | flat_fee, label}], the last open-ended."
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "effective_from"], name="fee_scale_one_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"Sliding fee scale from {self.effective_from}"


class FeeDetermination(models.Model):
    """A patient's place on the sliding scale: the income and household size they reported,
    the guideline year and region used, and the tier that applies until redetermination."""

    episode = models.ForeignKey(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="fee_determinations"
    )
    scale = models.ForeignKey(SlidingFeeScale, on_delete=models.PROTECT, related_name="+")
    household_size = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    annual_income = _money()
    state = models.CharField(max_length=2, help_text="USPS code; picks the guideline table.")
    guideline_year = models.PositiveSmallIntegerField()
    guideline_amount = _money()
    percent_of_guideline = models.DecimalField(max_digits=7, decimal_places=2)
    tier_label = models.CharField(max_length=80)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    flat_fee = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    documents = models.CharField(
        max_length=300, blank=True, help_text="What income evidence was seen."
    )
    determined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    determined_at = models.DateTimeField()
    redetermine_on = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(household_size__gte=1), name="fee_household_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(annual_income__gte=0), name="fee_income_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tier_label} ({self.percent_of_guideline} % of guideline)"


class PlanFrequency(models.TextChoices):
    MONTHLY = "month", "Monthly"
    BIWEEKLY = "two_weeks", "Every two weeks"


class PaymentPlan(models.Model):
    episode = models.ForeignKey(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="payment_plans"
    )
    total = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    frequency = models.CharField(max_length=10, choices=PlanFrequency.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="payment_plan_total_positive")
        ]

    def __str__(self) -> str:
        return f"Payment plan {self.pk}: {self.total}"


class Installment(models.Model):
    plan = models.ForeignKey(PaymentPlan, on_delete=models.PROTECT, related_name="installments")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="installment_unique_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="installment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Installment {self.number} of plan {self.plan_id}"


class PayerHoursMinimum(models.Model):
    """A payer's weekly-hours minimum for a program, where it differs from the program's own
    (``Program.min_weekly_hours``: IOP 9, PHP 20; clinical.md §1.1 and §1.4). Matched to a
    patient by the payer name on their primary coverage, ignoring case."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="payer_minimums")
    payer_name = models.CharField(max_length=200)
    min_weekly_hours = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MinValueValidator(0)]
    )
    source = models.CharField(
        max_length=300, help_text="Where the payer states it (policy id, contract, page)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "payer_name"], name="payer_minimum_unique_payer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer_name}: {self.min_weekly_hours} h/week"
