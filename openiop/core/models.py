"""Plumbing records shared by every context. No patient data lives here."""

from __future__ import annotations

from django.db import models


class IdempotencyRecord(models.Model):
    """The stored outcome of one idempotent request (IETF draft-ietf-httpapi-idempotency-key-
    header-07; security.md R29). Written in the same transaction as the business effect, so
    a committed record always has its response."""

    scope = models.CharField(max_length=200, help_text="Principal and endpoint the key is for.")
    key = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the canonical payload.")
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
