"""Measurement-based care: what a program measures when, the answers patients give, the
links that collect them, and the safety alerts they raise. Fields and constraints only;
scoring is in ``engines.instruments`` and the rules are in ``services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare, Patient
from openiop.programs.models import Program


class Timepoint(models.TextChoices):
    INTAKE = "intake", "Intake"
    WEEKLY = "weekly", "Weekly"
    DISCHARGE = "discharge", "Discharge"
    FOLLOW_UP_30 = "follow_up_30", "30 days after discharge"
    FOLLOW_UP_90 = "follow_up_90", "90 days after discharge"
    FOLLOW_UP_180 = "follow_up_180", "180 days after discharge"


class Source(models.TextChoices):
    PORTAL = "portal", "Patient portal link"
    KIOSK = "kiosk", "Check-in kiosk"
    PAPER = "paper", "Paper form transcribed by staff"
    API = "api", "API client"


class ScheduleEntry(models.Model):
    """One instrument given at one timepoint in a program, e.g. PHQ-9 weekly."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="measure_schedule")
    instrument = models.CharField(max_length=16)
    timepoint = models.CharField(max_length=16, choices=Timepoint.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "instrument", "timepoint"], name="schedule_entry_unique"
            ),
        ]
        verbose_name_plural = "schedule entries"

    def __str__(self) -> str:
        return f"{self.instrument} {self.get_timepoint_display()}"


class MeasureResponse(models.Model):
    """A completed questionnaire and its score. One per occasion (episode, instrument,
    timepoint, due date): the database refuses a second, so a retry can never duplicate it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="measure_responses"
    )
    instrument = models.CharField(max_length=16)
    version = models.CharField(max_length=16)
    language = models.CharField(max_length=8)
    timepoint = models.CharField(max_length=16, choices=Timepoint.choices)
    due_on = models.DateField(help_text="The due date of the occasion this answers.")
    collected_on = models.DateField(help_text="Local date in the program's time zone.")
    submitted_at = models.DateTimeField()
    source = models.CharField(max_length=8, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(help_text="One entry per item; null where unanswered.")
    total = models.SmallIntegerField()
    severity = models.CharField(max_length=32, blank=True)
    subscales = models.JSONField(default=dict)
    flags = models.JSONField(default=list)
    answered = models.PositiveSmallIntegerField()
    prorated = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "instrument", "timepoint", "due_on"],
                name="response_one_per_occasion",
            ),
            models.CheckConstraint(
                condition=~Q(source="paper") | Q(entered_by__isnull=False),
                name="response_paper_has_transcriber",
            ),
        ]
        indexes = [
            models.Index(
                fields=["patient", "instrument", "collected_on"], name="response_chart_idx"
            ),
            # Covers the outcomes report's scans: with ``total`` in the key (INCLUDE is not
            # portable to SQLite) PostgreSQL answers them index-only, never reading the wide
            # rows with their JSON answers.
            models.Index(
                fields=["timepoint", "instrument", "episode", "total"],
                name="response_outcome_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.timepoint} {self.collected_on}"


class PortalLink(models.Model):
    """An expiring, single-use link through which a patient answers their due questionnaires.
    Only a SHA-256 of the token is stored; the token itself exists only in the link."""

    token_hash = models.CharField(max_length=64, unique=True)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(EpisodeOfCare, on_delete=models.PROTECT, related_name="+")
    occasions = models.JSONField(help_text="[{instrument, timepoint, due_on}] the link covers.")
    kiosk = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="portal_link_expires_later"
            ),
        ]

    def __str__(self) -> str:
        return f"link {self.pk} for patient {self.patient_id}"


class SafetyAlert(models.Model):
    """Raised the moment a response carries a safety flag (PHQ-9 item 9 > 0, a positive ASQ).
    It stays open in the chart header until a clinician records the action taken; it is never
    deleted or closed without one."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(EpisodeOfCare, on_delete=models.PROTECT, related_name="+")
    response = models.ForeignKey(
        MeasureResponse, on_delete=models.PROTECT, related_name="safety_alerts"
    )
    reasons = models.JSONField(help_text="[{code, label}] of the safety flags that raised it.")
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action_taken = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True)
                | (Q(acknowledged_by__isnull=False) & ~Q(action_taken="")),
                name="alert_acknowledged_with_action",
            ),
        ]
        indexes = [models.Index(fields=["patient", "acknowledged_at"], name="alert_open_idx")]

    def __str__(self) -> str:
        return f"safety alert {self.pk}"


class AlertNotice(models.Model):
    """Delivery of an alert to one clinician: the primary therapist, the program's on-call
    staff, or (when neither exists) the program director, so that someone always gets it."""

    class Reason(models.TextChoices):
        PRIMARY_CLINICIAN = "primary", "Primary clinician"
        ON_CALL = "on_call", "On call"
        DIRECTOR = "director", "Program director (no primary or on-call clinician)"

    alert = models.ForeignKey(SafetyAlert, on_delete=models.PROTECT, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alert_notices"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "recipient"], name="notice_unique_recipient"),
        ]

    def __str__(self) -> str:
        return f"notice of alert {self.alert_id} to {self.recipient_id}"
