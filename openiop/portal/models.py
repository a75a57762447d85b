"""The patient's own portal: a long-lived, revocable link through which a patient reads
their treatment plan and acknowledges it, and reads and prints their safety plan. The token
is the credential; only its SHA-256 is stored. Every page view is audited with the patient as
the actor."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare, Patient


class PortalAccess(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(EpisodeOfCare, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="portal_access_expires_later",
            ),
        ]
        verbose_name_plural = "portal access links"

    def __str__(self) -> str:
        return f"Portal access {self.pk} for patient {self.patient_id}"
