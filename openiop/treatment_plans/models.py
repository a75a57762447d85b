"""Treatment plans: an episode's problems (and, as the plan grows, goals, objectives and
interventions). Admission seeds a draft plan with the problems found at intake."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare


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

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode"], condition=Q(status="draft"), name="plan_one_draft_per_episode"
            )
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
