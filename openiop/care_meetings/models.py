"""The weekly care-team meeting: one workspace per program and week, an agenda of patients
to discuss with the reasons each was put on it, and what the team discussed, decided and
assigned. Decisions appear in the patient's chart."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import Program


class CareMeeting(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="care_meetings")
    week_start = models.DateField(help_text="The Monday of the week (program zone).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    agenda_built_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "week_start"], name="care_meeting_week"),
        ]

    def __str__(self) -> str:
        return f"Care-team meeting of {self.program} for week of {self.week_start}"


class AgendaItem(models.Model):
    """A patient on the agenda. ``reasons`` is [{code, label, detail, components?}] as the
    agenda builder found them (components: each part of the functional-relapse signal)."""

    meeting = models.ForeignKey(CareMeeting, on_delete=models.PROTECT, related_name="items")
    episode = models.ForeignKey(EpisodeOfCare, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    reasons = models.JSONField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the agenda builder added it.",
    )
    discussion = models.TextField(blank=True)
    discussed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "episode"], name="agenda_item_once"),
        ]

    def __str__(self) -> str:
        return f"Agenda item {self.position} of meeting {self.meeting_id}"


class MeetingDecision(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Decision on agenda item {self.item_id}"


class MeetingTask(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="tasks")
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_tasks"
    )
    due_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(done_at__gte=models.F("created_at")),
                name="care_task_done_after_created",
            ),
        ]

    def __str__(self) -> str:
        return self.text
