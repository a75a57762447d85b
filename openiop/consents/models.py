"""Signed consents: consent to treatment, releases of information to named contacts, and the
42 CFR Part 2 consent to disclose substance-use treatment records.

A consent is never edited after it is recorded; it can only be revoked (with the date and how
the patient asked). Written only by ``openiop.consents.services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare, Patient, PatientContact


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", "Consent to treatment"
    RELEASE = "release", "Release of information"
    PART2 = "part2", "42 CFR Part 2 consent to disclose"


class Consent(models.Model):
    """One signed consent. For ``part2`` the element fields hold what 42 CFR 2.31(a) requires
    (see ``openiop.consents.part2``); for a release, ``contact`` names the recipient."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    episode = models.ForeignKey(EpisodeOfCare, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=12, choices=ConsentKind.choices)
    contact = models.ForeignKey(
        PatientContact, null=True, blank=True, on_delete=models.PROTECT, related_name="consents"
    )
    signed_by_name = models.CharField(
        max_length=200, help_text="The patient, or the person authorized to sign for them."
    )
    signer_authority = models.CharField(
        max_length=100, blank=True, help_text="Blank when the patient signs; else e.g. 'parent'."
    )
    signed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    expires_on_event = models.CharField(
        max_length=200,
        blank=True,
        help_text="An event that ends the consent, e.g. end of treatment.",
    )
    # Part 2 and release elements (blank for consent to treatment).
    discloser = models.CharField(max_length=300, blank=True)
    recipient = models.CharField(max_length=300, blank=True)
    purpose = models.CharField(max_length=300, blank=True)
    information = models.TextField(blank=True)
    statements_version = models.CharField(
        max_length=32, blank=True, help_text="Version of the printed statements the patient saw."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    revoked_on = models.DateField(null=True, blank=True)
    revocation_note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="release") | Q(contact__isnull=False),
                name="consent_release_names_contact",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("signed_on")),
                name="consent_expires_after_signing",
            ),
            models.CheckConstraint(
                condition=~Q(kind="part2")
                | (
                    ~Q(discloser="")
                    & ~Q(recipient="")
                    & ~Q(purpose="")
                    & ~Q(information="")
                    & (Q(expires_on__isnull=False) | ~Q(expires_on_event=""))
                ),
                name="consent_part2_has_elements",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.signed_on})"
