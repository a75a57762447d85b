"""The audit trail: one append-only, hash-chained row per access to or change of protected data.

Fields follow ASTM E2147-18 §7.1 (security.md A2): when (7.1.1), who (7.1.7), which patient
(7.1.6), what action (7.1.8) and which data, with its legal category (7.1.9; ``part2`` marks
42 CFR Part 2 records). Rows are never updated or deleted: database triggers refuse it
(migration 0002) and each row's ``row_hash`` covers the previous row's hash, so an edit made
behind the application's back breaks the chain that ``openiop audit verify`` recomputes.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    DENIED = "denied", "Denied"
    FAILURE = "failure", "Failure"


class DataCategory(models.TextChoices):
    NONE = "none", "No patient data"
    DEMOGRAPHICS = "demographics", "Demographics"
    EPISODE = "episode", "Episode of care"
    CARE_TEAM = "care_team", "Care team"
    CONTACTS = "contacts", "Contacts"
    MEASURES = "measures", "Questionnaires and scores"
    SAFETY = "safety", "Safety alerts"
    REPORTS = "reports", "Aggregate reports"
    REFERRAL = "referral", "Referral and intake"
    ASSESSMENT = "assessment", "Intake assessment and placement"
    INSURANCE = "insurance", "Insurance and authorizations"
    FINANCIAL = "financial", "Fees and payment plans"
    CONSENT = "consent", "Consents"
    TREATMENT_PLAN = "treatment_plan", "Treatment plan"
    ATTENDANCE = "attendance", "Attendance"
    NOTES = "notes", "Clinical notes"
    SAFETY_PLAN = "safety_plan", "Safety plan"
    MEDICATIONS = "medications", "Medications"
    DRUG_SCREEN = "drug_screen", "Drug screens"
    CARE_MEETING = "care_meeting", "Care-team meeting"
    AUTHENTICATION = "authentication", "Authentication"
    PRIVILEGES = "privileges", "User privileges"
    AUDIT = "audit", "Audit log"


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEvent(models.Model):
    seq = models.BigIntegerField(primary_key=True, help_text="Gap-free sequence; orders the log.")
    occurred_at = models.DateTimeField(db_index=True)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=160)
    action = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    patient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    category = models.CharField(max_length=32, choices=DataCategory.choices)
    part2 = models.BooleanField(default=False, help_text="42 CFR Part 2 protected data involved.")
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events are append-only.")
