"""Treatment plans: an episode's problems → goals → measurable objectives with target dates →
interventions (modality, frequency, responsible staff), tied to the treatment phases.
Admission seeds a draft plan with the problems found at intake; a clinician completes and
activates it, reviews it every ``Program.plan_review_days``, and the patient acknowledges it
in the portal. ``revision`` counts changes to an active plan; an acknowledgement is of one
revision. Changes happen only in ``openiop.treatment_plans.services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare, Phase


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"


class TreatmentPlan(models.Model):
    episode = models.ForeignKey(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="treatment_plans"
    )
    status = models.CharField(max_length=8, choices=PlanStatus.choices)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode"], condition=Q(status="draft"), name="plan_one_draft_per_episode"
            ),
            models.UniqueConstraint(
                fields=["episode"], condition=Q(status="active"), name="plan_one_active_per_episode"
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(activated_at__isnull=False),
                name="plan_active_has_activation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} plan for episode {self.episode_id}"


class ProblemSource(models.TextChoices):
    """Where at intake a problem was found."""

    PRESENTING = "presenting", "Presenting problem"
    INSTRUMENT = "instrument", "Scored questionnaire"
    DIMENSION = "dimension", "ASAM dimension"
    SAFETY = "safety", "Safety screen"
    SUBSTANCE_USE = "substance_use", "Substance use"
    HOUSING = "housing", "Housing stability"
    MEDICAL = "medical", "Medical"
    STAFF = "staff", "Added by staff"


class PlanProblem(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="problems")
    position = models.PositiveSmallIntegerField()
    statement = models.CharField(max_length=300)
    source = models.CharField(max_length=16, choices=ProblemSource.choices)
    evidence = models.CharField(
        max_length=300, blank=True, help_text="What at intake showed it, e.g. a score."
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plan_problem_position")
        ]

    def __str__(self) -> str:
        return self.statement


class PlanGoal(models.Model):
    problem = models.ForeignKey(PlanProblem, on_delete=models.PROTECT, related_name="goals")
    position = models.PositiveSmallIntegerField()
    statement = models.CharField(max_length=300, help_text="In the patient's words where possible.")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "position"], name="plan_goal_position")
        ]

    def __str__(self) -> str:
        return self.statement


class ObjectiveStatus(models.TextChoices):
    OPEN = "open", "In progress"
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met (revised or dropped)"


class PlanObjective(models.Model):
    """A measurable step towards a goal, e.g. "PHQ-9 below 10 by week 8"."""

    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="objectives")
    position = models.PositiveSmallIntegerField()
    statement = models.CharField(max_length=300)
    measure = models.CharField(
        max_length=200, help_text="How progress is measured (a score, a count, an observation)."
    )
    target_date = models.DateField()
    phase = models.CharField(
        max_length=16, choices=Phase.choices, help_text="The phase in which it is worked on."
    )
    status = models.CharField(
        max_length=8, choices=ObjectiveStatus.choices, default=ObjectiveStatus.OPEN
    )
    status_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "position"], name="plan_objective_position"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(status_on__isnull=False),
                name="plan_objective_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.statement


class Modality(models.TextChoices):
    CBT = "cbt", "CBT"
    DBT = "dbt", "DBT skills"
    EMDR = "emdr", "EMDR"
    PE = "pe", "Prolonged exposure"
    SOMATIC = "somatic", "Somatic work"
    PSYCHOEDUCATION = "psychoeducation", "Psychoeducation"
    MEDICATION = "medication", "Medication management"
    FAMILY = "family", "Family therapy"
    CASE_MANAGEMENT = "case_management", "Case management"
    PEER_SUPPORT = "peer_support", "Peer support / relapse prevention"


class PlanIntervention(models.Model):
    objective = models.ForeignKey(
        PlanObjective, on_delete=models.PROTECT, related_name="interventions"
    )
    modality = models.CharField(max_length=20, choices=Modality.choices)
    description = models.CharField(max_length=300, blank=True)
    frequency = models.CharField(max_length=80, help_text="e.g. 3 groups a week, weekly 50 min.")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.get_modality_display()} {self.frequency}"


class PlanReview(models.Model):
    """A periodic review of an active plan; the next one is due ``Program.plan_review_days``
    after ``reviewed_on``."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField()
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Review of plan {self.plan_id} on {self.reviewed_on}"


class PlanAcknowledgement(models.Model):
    """The patient's acknowledgement of one revision of the plan, given in the portal."""

    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    revision = models.PositiveIntegerField()
    acknowledged_at = models.DateTimeField()
    comment = models.TextField(blank=True, help_text="Anything the patient wanted to add.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "revision"], name="plan_ack_once_per_revision")
        ]

    def __str__(self) -> str:
        return f"Acknowledgement of plan {self.plan_id} revision {self.revision}"
