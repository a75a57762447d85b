"""The medication list, the watch that a change sets for the patient's group facilitators,
and drug-screen results (Part 2 data in substance-use programs)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare


class Medication(models.Model):
    episode = models.ForeignKey(EpisodeOfCare, on_delete=models.PROTECT, related_name="medications")
    drug = models.CharField(max_length=200)
    dose = models.CharField(max_length=80, help_text="e.g. 50 mg")
    frequency = models.CharField(max_length=80, help_text="e.g. once daily at bedtime")
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField()
    stopped_on = models.DateField(null=True, blank=True)
    stop_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=models.F("started_on")),
                name="medication_stops_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drug} {self.dose} {self.frequency}"


class ChangeKind(models.TextChoices):
    STARTED = "started", "Started"
    CHANGED = "changed", "Dose or frequency changed"
    STOPPED = "stopped", "Stopped"


class MedicationChange(models.Model):
    """One change to the list, with what it was before (history; never edited)."""

    medication = models.ForeignKey(Medication, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=8, choices=ChangeKind.choices)
    effective_on = models.DateField()
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.medication_id} on {self.effective_on}"


class MedicationWatch(models.Model):
    """A notice to one group facilitator: watch this patient's response to a medication
    change until ``watch_until`` (``Program.medication_watch_days`` after the change)."""

    change = models.ForeignKey(MedicationChange, on_delete=models.PROTECT, related_name="watches")
    episode = models.ForeignKey(EpisodeOfCare, on_delete=models.PROTECT, related_name="+")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="medication_watches"
    )
    watch_until = models.DateField()
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change", "facilitator"], name="watch_once"),
        ]
        verbose_name_plural = "medication watches"

    def __str__(self) -> str:
        return f"Watch of change {self.change_id} for {self.facilitator_id}"


class ScreenResult(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    POSITIVE = "positive", "Positive"
    POSITIVE_EXPECTED = "expected", "Positive, prescribed (expected)"
    INVALID = "invalid", "Invalid / dilute"


class DrugScreen(models.Model):
    """A drug-screen result. In a Part 2 program it is Part 2 protected (42 CFR Part 2):
    its reads and writes are audited with ``part2`` and it is shown with the notice."""

    episode = models.ForeignKey(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="drug_screens"
    )
    collected_on = models.DateField()
    specimen = models.CharField(max_length=20, help_text="urine, oral fluid, …")
    results = models.JSONField(help_text="[{substance, result}] with ScreenResult values.")
    positive = models.BooleanField(help_text="Any unexpected positive result.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    comment = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Drug screen of {self.collected_on}"
