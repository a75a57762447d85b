"""Calendar feeds: revocable, tokenized iCal subscriptions of a clinician's or a patient's
sessions. Fields and constraints only; the rules are in ``services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare


class CalendarFeed(models.Model):
    """One subscription URL. The owner is exactly one of a staff member (their own sessions)
    or an episode of care (the patient's sessions in that program). Only a SHA-256 of the
    token is stored: the URL is shown once, when the feed is created, and cannot be shown
    again. Each owner has at most one live feed; a new one replaces it."""

    token_hash = models.CharField(max_length=64, unique=True)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_feeds",
    )
    episode = models.ForeignKey(
        EpisodeOfCare,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_feeds",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(clinician__isnull=False, episode__isnull=True)
                | Q(clinician__isnull=True, episode__isnull=False),
                name="calendar_feed_one_owner",
            ),
            models.UniqueConstraint(
                fields=["clinician"],
                condition=Q(revoked_at__isnull=True, clinician__isnull=False),
                name="calendar_feed_one_live_per_clinician",
            ),
            models.UniqueConstraint(
                fields=["episode"],
                condition=Q(revoked_at__isnull=True, episode__isnull=False),
                name="calendar_feed_one_live_per_episode",
            ),
        ]

    def __str__(self) -> str:
        owner = (
            f"clinician {self.clinician_id}" if self.clinician_id else f"episode {self.episode_id}"
        )
        return f"calendar feed {self.pk} of {owner}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
