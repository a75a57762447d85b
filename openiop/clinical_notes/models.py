"""Clinical notes: group notes written once for all attendees, individual therapy (DAP or
BIRP), psychiatry and family session notes, with signing, co-signing, addenda and
entered-in-error.

A note has one ``NoteEntry`` per patient it documents: for a group note, one per attendee
(with that person's participation, response and plan); for any other note, the one patient.
The chart shows a note through its entries, so a group note appears in every attendee's chart
and in no one else's. Each entry links the treatment-plan objectives it addressed (the golden
thread).

Lifecycle (Canvas; CONVENTIONS §3): draft → signed (or → awaiting co-sign → signed for a
trainee) → entered in error. A signed note never changes; addenda are separate rows. State
changes only in ``openiop.clinical_notes.services``. ``version`` counts saves of a draft:
a save based on an older version is a conflict, and the losing text is kept as a
``DraftConflict`` (security.md R30).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import Program
from openiop.scheduling.models import ScheduledSession
from openiop.treatment_plans.models import PlanObjective


class NoteKind(models.TextChoices):
    GROUP = "group", "Group therapy note"
    INDIVIDUAL_DAP = "individual_dap", "Individual therapy (DAP)"
    INDIVIDUAL_BIRP = "individual_birp", "Individual therapy (BIRP)"
    PSYCHIATRY = "psychiatry", "Psychiatry (medication management)"
    FAMILY = "family", "Family session"


class NoteState(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_COSIGN = "awaiting_cosign", "Signed, awaiting co-sign"
    SIGNED = "signed", "Signed"
    ENTERED_IN_ERROR = "entered_in_error", "Entered in error"


class Note(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="notes")
    session = models.ForeignKey(
        ScheduledSession,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notes",
        help_text="The session documented; required for group notes.",
    )
    kind = models.CharField(max_length=20, choices=NoteKind.choices)
    state = models.CharField(max_length=20, choices=NoteState.choices)
    service_date = models.DateField(help_text="Local date of the service in the program's zone.")
    body = models.JSONField(
        default=dict,
        help_text="The note's sections by key (e.g. narrative; data/assessment/plan; "
        "behavior/intervention/response/plan), as listed in ``sections.SECTIONS``.",
    )
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_notes"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    signed_at = models.DateTimeField(null=True, blank=True)
    late_entry = models.BooleanField(
        default=False, help_text="Signed later than the program's documentation window."
    )
    cosigner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cosign_requests",
        help_text="The supervisor who must co-sign a trainee's note.",
    )
    cosigned_at = models.DateTimeField(null=True, blank=True)
    error_at = models.DateTimeField(null=True, blank=True)
    error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    error_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="group") | Q(session__isnull=False),
                name="note_group_has_session",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(signed_at__isnull=False),
                name="note_signed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="awaiting_cosign") | Q(cosigner__isnull=False),
                name="note_awaiting_cosign_has_cosigner",
            ),
            models.CheckConstraint(
                condition=~Q(state="entered_in_error")
                | (Q(error_at__isnull=False, error_by__isnull=False) & ~Q(error_reason="")),
                name="note_error_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "state"], name="note_program_state_idx"),
            models.Index(fields=["author", "state"], name="note_author_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.service_date}"


class NoteEntry(models.Model):
    """One patient's part of a note. For a group note: that attendee's participation,
    response and plan. For other notes the individual fields stay empty."""

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="entries")
    episode = models.ForeignKey(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="note_entries"
    )
    participation = models.TextField(blank=True)
    response = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    objectives = models.ManyToManyField(PlanObjective, blank=True, related_name="note_entries")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "episode"], name="note_entry_once"),
        ]

    def __str__(self) -> str:
        return f"Entry for episode {self.episode_id} in note {self.note_id}"


class Addendum(models.Model):
    """Text added to a signed note, signed by its author at creation."""

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    signed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "addenda"

    def __str__(self) -> str:
        return f"Addendum to note {self.note_id}"


class DraftConflict(models.Model):
    """A save of a draft that was based on an older version than the stored one. Its text is
    kept here, beside the version that won, until the author merges and dismisses it."""

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="conflicts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    base_version = models.PositiveIntegerField()
    body = models.JSONField()
    entries = models.JSONField(
        default=list, help_text="[{episode_id, participation, response, plan}] as submitted."
    )
    saved_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Conflicting save of note {self.note_id}"
