"""Who came to which session, for how long, and the program's attendance policy.

One Attendance row per expected participant of a session, at most (a database constraint): a
double tap or a retried kiosk request can never count a patient twice. ``service_date`` is the
session's local date in the program's time zone (an evening group that ends after midnight UTC
still belongs to the local day it started on; security.md R22). Rows change only in the
services of ``openiop.attendance.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import Program
from openiop.scheduling.models import ScheduledSession


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Late"
    LEFT_EARLY = "left_early", "Left early"
    TELEHEALTH = "telehealth", "Telehealth"
    ABSENT_EXCUSED = "absent_excused", "Absent (excused)"
    ABSENT_UNEXCUSED = "absent_unexcused", "Absent (unexcused)"


#: Statuses in which the patient took part (a service day for billing, minutes count).
ATTENDED = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.LEFT_EARLY,
    AttendanceStatus.TELEHEALTH,
)
ABSENT = (AttendanceStatus.ABSENT_EXCUSED, AttendanceStatus.ABSENT_UNEXCUSED)


class RecordedVia(models.TextChoices):
    ROSTER = "roster", "Staff roster"
    KIOSK = "kiosk", "Self check-in kiosk"


class Attendance(models.Model):
    session = models.ForeignKey(
        ScheduledSession, on_delete=models.PROTECT, related_name="attendance"
    )
    episode = models.ForeignKey(EpisodeOfCare, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    minutes = models.PositiveSmallIntegerField(
        help_text="Minutes attended; 0 when absent, at most the session's length."
    )
    service_date = models.DateField(help_text="The session's local date in the program's zone.")
    recorded_via = models.CharField(max_length=8, choices=RecordedVia.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The staff member; empty for a kiosk self check-in.",
    )
    recorded_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "episode"], name="attendance_once"),
            models.CheckConstraint(
                condition=~Q(status__in=["absent_excused", "absent_unexcused"]) | Q(minutes=0),
                name="attendance_absent_has_no_minutes",
            ),
        ]
        indexes = [
            models.Index(fields=["episode", "service_date"], name="attendance_episode_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} — episode {self.episode_id}, session {self.session_id}"

    @property
    def attended(self) -> bool:
        return self.status in ATTENDED


class AttendancePolicy(models.Model):
    """A program rule such as "3 unexcused absences in 30 days": reaching ``threshold``
    records in ``statuses`` within ``window_days`` raises a review item for the episode."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="attendance_policies"
    )
    name = models.CharField(max_length=120)
    statuses = models.JSONField(help_text="Attendance statuses that count towards the threshold.")
    threshold = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    window_days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="attendance_policy_name"),
            models.CheckConstraint(condition=Q(threshold__gte=1), name="policy_threshold_positive"),
            models.CheckConstraint(condition=Q(window_days__gte=1), name="policy_window_positive"),
        ]
        verbose_name_plural = "attendance policies"

    def __str__(self) -> str:
        return self.name


class AttendanceReview(models.Model):
    """A review item raised when an episode reaches a policy's threshold. It stays open (on
    the director's today view and the team meeting's agenda) until someone resolves it with
    a note of what was decided. One open item per episode and policy."""

    episode = models.ForeignKey(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="attendance_reviews"
    )
    policy = models.ForeignKey(AttendancePolicy, on_delete=models.PROTECT, related_name="reviews")
    count = models.PositiveSmallIntegerField(help_text="Matching records when it was raised.")
    window_start = models.DateField()
    window_end = models.DateField()
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "policy"],
                condition=Q(resolved_at__isnull=True),
                name="attendance_review_one_open",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True)
                | (Q(resolved_by__isnull=False) & ~Q(resolution="")),
                name="attendance_review_resolved_with_note",
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance review of episode {self.episode_id}"


class KioskDevice(models.Model):
    """A check-in kiosk: a device principal for one program. Its credential is a random token
    kept in the device's cookie; only a SHA-256 of it is stored. It can check a patient in to
    their own session today and shows no other patient's data."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="kiosks")
    name = models.CharField(max_length=120)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Kiosk {self.name}"
