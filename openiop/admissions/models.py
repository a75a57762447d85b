"""The front door: referrals and their pipeline, the waitlist, the intake assessment, the
level-of-care decision and the admission. Fields and constraints only; the rules live in
``openiop.admissions.services``, and ``stage`` changes only in its transition services."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import Track


class ReferralSource(models.TextChoices):
    SELF = "self", "Self"
    THERAPIST = "therapist", "Therapist"
    PHYSICIAN = "physician", "Physician"
    STEP_DOWN = "step_down", "Hospital or residential step-down"
    OTHER = "other", "Other"


class Urgency(models.TextChoices):
    """How soon the person should be seen. Someone in immediate danger is sent to emergency
    care (988 or 911), not to the referral queue."""

    URGENT = "urgent", "Urgent (within 72 hours)"
    SOON = "soon", "Soon (within a week)"
    ROUTINE = "routine", "Routine"


class Stage(models.TextChoices):
    REFERRED = "referred", "Referred"
    SCREENING = "screening", "Screening"
    INTAKE_SCHEDULED = "intake_scheduled", "Intake scheduled"
    ASSESSED = "assessed", "Assessed"
    BENEFITS_VERIFIED = "benefits_verified", "Benefits verified"
    AUTHORIZED = "authorized", "Authorized"
    ADMITTED = "admitted", "Admitted"
    CLOSED = "closed", "Closed"


OPEN_STAGES = tuple(s for s in Stage if s not in (Stage.ADMITTED, Stage.CLOSED))


class CloseReason(models.TextChoices):
    REFERRED_ELSEWHERE = "referred_elsewhere", "Referred elsewhere"
    DECLINED = "declined", "Declined"
    UNREACHABLE = "unreachable", "Unreachable"


class Referral(models.Model):
    """A request to admit someone to a program. It opens (or reuses) the patient's record and
    a referred episode at once, so every later step is access-checked and audited against a
    patient like the rest of the chart."""

    episode = models.OneToOneField(EpisodeOfCare, on_delete=models.PROTECT, related_name="referral")
    source = models.CharField(max_length=12, choices=ReferralSource.choices)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_organization = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    reason = models.TextField()
    urgency = models.CharField(max_length=8, choices=Urgency.choices)
    requested_track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    insurance_payer = models.CharField(max_length=200, blank=True)
    insurance_member_id = models.CharField(max_length=80, blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices)
    stage_since = models.DateTimeField()
    received_at = models.DateTimeField()
    intake_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    close_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    stage="closed",
                    close_reason__in=["referred_elsewhere", "declined", "unreachable"],
                )
                | (~Q(stage="closed") & Q(close_reason="")),
                name="referral_closed_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["stage", "stage_since"], name="referral_stage_idx")]

    def __str__(self) -> str:
        return f"Referral {self.pk} ({self.get_stage_display()})"

    @property
    def is_step_down(self) -> bool:
        return self.source == ReferralSource.STEP_DOWN


class StageChange(models.Model):
    """One entry into a stage; the time in a stage is the gap to the next entry."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="stage_changes")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    entered_at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["entered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.stage} at {self.entered_at:%Y-%m-%d %H:%M}"


class WaitlistEntry(models.Model):
    """A referral waiting for a seat in a full track. ``closed_at`` is set when the person is
    admitted or leaves the list; ``offered_at`` when a seat is offered."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="waitlist")
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="waitlist")
    added_at = models.DateTimeField()
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_declined_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(closed_at__isnull=True),
                name="waitlist_one_open_entry",
            )
        ]

    def __str__(self) -> str:
        return f"Waitlist entry for referral {self.referral_id}"


class Population(models.TextChoices):
    ADULT = "adult", "Adult"
    ADOLESCENT = "adolescent", "Adolescent"


class SafetyScreen(models.TextChoices):
    """ASQ result categories (NIMH Ask Suicide-Screening Questions toolkit)."""

    NEGATIVE = "negative", "Negative"
    NON_ACUTE_POSITIVE = "non_acute_positive", "Non-acute positive"
    ACUTE_POSITIVE = "acute_positive", "Acute positive (imminent risk)"


class HousingStability(models.TextChoices):
    STABLE = "stable", "Stable"
    AT_RISK = "at_risk", "At risk of losing housing"
    UNSTABLE = "unstable", "Unstable or temporary"
    UNHOUSED = "unhoused", "Unhoused"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"


_RATING = [MinValueValidator(0), MaxValueValidator(4)]
DIMENSIONS = (1, 2, 3, 4, 5, 6)


def _rating_check(n: int) -> models.CheckConstraint:
    field = f"dimension_{n}_rating"
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 4}),
        name=f"assessment_dimension_{n}_in_range",
    )


class IntakeAssessment(models.Model):
    """The structured intake of one referral. A draft may be incomplete; completing it
    requires every ASAM dimension rating and the safety screen (a missing dimension is an
    error, never a default). Scored questionnaires are the episode's intake
    ``MeasureResponse`` rows."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=12, choices=AssessmentStatus.choices)
    presenting_problem = models.TextField(blank=True)
    trauma_history = models.TextField(blank=True)
    substance_use = models.TextField(blank=True)
    medical = models.TextField(blank=True)
    psychiatric_history = models.TextField(blank=True)
    risk = models.TextField(blank=True)
    supports = models.TextField(blank=True)
    housing = models.CharField(max_length=12, choices=HousingStability.choices, blank=True)
    housing_notes = models.TextField(blank=True)
    obligations = models.TextField(blank=True, help_text="Work, school and care obligations.")
    hours_available_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
    )
    safety_screen = models.CharField(max_length=20, choices=SafetyScreen.choices, blank=True)
    needs_medical_withdrawal_management = models.BooleanField(default=False)
    home_environment_enables_use = models.BooleanField(default=False)
    stable_housing_and_support = models.BooleanField(default=True)
    dimension_1_rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=_RATING)
    dimension_1_notes = models.TextField(blank=True)
    dimension_2_rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=_RATING)
    dimension_2_notes = models.TextField(blank=True)
    dimension_3_rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=_RATING)
    dimension_3_notes = models.TextField(blank=True)
    dimension_4_rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=_RATING)
    dimension_4_notes = models.TextField(blank=True)
    dimension_5_rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=_RATING)
    dimension_5_notes = models.TextField(blank=True)
    dimension_6_rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=_RATING)
    dimension_6_notes = models.TextField(blank=True)
    readiness = models.JSONField(
        default=dict, help_text="Readiness checklist: item code → true/false."
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            *(_rating_check(n) for n in DIMENSIONS),
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(status="draft"),
                name="assessment_one_draft_per_referral",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed")
                | (
                    Q(completed_at__isnull=False)
                    & ~Q(safety_screen="")
                    & Q(
                        dimension_1_rating__isnull=False,
                        dimension_2_rating__isnull=False,
                        dimension_3_rating__isnull=False,
                        dimension_4_rating__isnull=False,
                        dimension_5_rating__isnull=False,
                        dimension_6_rating__isnull=False,
                        hours_available_per_week__isnull=False,
                    )
                ),
                name="assessment_completed_is_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"Intake assessment {self.pk} ({self.get_status_display()})"


class PlacementLevel(models.TextChoices):
    """The levels the placement engine recommends (``engines.placement``; the codes match)."""

    OP = "op", "Outpatient (OP)"
    IOP = "iop", "Intensive outpatient (IOP)"
    PHP = "php", "Partial hospitalization (PHP)"
    WITHDRAWAL_MANAGEMENT = "withdrawal_management", "Withdrawal management"
    RESIDENTIAL = "residential", "Residential"
    INPATIENT = "inpatient", "Inpatient"


class PlacementDecision(models.Model):
    """The engine's recommendation for one completed assessment, next to the clinician's
    decision. They differ only with a written reason. The payer-authorized level is kept
    apart, on the authorization (``openiop.billing``)."""

    assessment = models.ForeignKey(
        IntakeAssessment, on_delete=models.PROTECT, related_name="decisions"
    )
    recommended_level = models.CharField(max_length=24, choices=PlacementLevel.choices)
    clinical_level = models.CharField(max_length=24, choices=PlacementLevel.choices)
    override_reason = models.TextField(blank=True)
    rules_version = models.CharField(max_length=32)
    engine_output = models.JSONField(help_text="The engine's full decision, as JSON.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(clinical_level=models.F("recommended_level")) | ~Q(override_reason=""),
                name="placement_override_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Placement {self.pk}: {self.clinical_level}"

    @property
    def is_override(self) -> bool:
        return self.clinical_level != self.recommended_level


class Admission(models.Model):
    """What admission set up for an episode: the start date and its phase plan (stabilization
    weeks 1–4, core weeks 5–12, taper from week 13)."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="admission")
    starts_on = models.DateField()
    core_from = models.DateField()
    taper_from = models.DateField()
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    admitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(core_from__gt=models.F("starts_on"))
                & Q(taper_from__gt=models.F("core_from")),
                name="admission_phases_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"Admission of referral {self.referral_id} from {self.starts_on}"
