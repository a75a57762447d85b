"""Stanley–Brown safety plans (clinical.md §4): six prioritized sections, each a list of
entries, versioned. A change never edits a version: it saves the next one, so the patient's
printed copy can always be matched to what the chart held that day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare, Patient


class SafetyPlan(models.Model):
    """One version of a patient's safety plan. ``sections`` maps each key of
    ``openiop.safety_plans.sections.SECTIONS`` to a list of entries: strings, or for the
    contact sections {name, phone, availability} objects."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="safety_plans")
    episode = models.ForeignKey(EpisodeOfCare, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    sections = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    change_note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "version"], name="safety_plan_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="safety_plan_version_pos"),
        ]
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Safety plan v{self.version} of patient {self.patient_id}"
