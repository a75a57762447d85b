"""Weekly scheduling: the program inputs the planner reads (availability, needs, hour bands),
the plans it proposes, and the sessions an approved plan (or a person) puts on the calendar.
Fields and constraints only; the rules are in ``services`` and ``adapter``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from openiop.patients.models import EpisodeOfCare, Phase
from openiop.programs.models import Cohort, Program, Room, Weekday


class SessionKind(models.TextChoices):
    GROUP = "group", "Group therapy"
    INDIVIDUAL = "individual", "Individual therapy"
    PSYCHIATRY = "psychiatry", "Psychiatry"
    FAMILY = "family", "Family session"


class PlanKind(models.TextChoices):
    NEXT_WEEK = "next_week", "Next week"
    REPLAN = "replan", "Re-plan for changes"


class PlanState(models.TextChoices):
    """A plan's lifecycle; it changes only in the transition services of ``services``."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Solving"
    PROPOSED = "proposed", "Proposed"
    FAILED = "failed", "No plan found"
    APPROVED = "approved", "Approved"
    DISCARDED = "discarded", "Discarded"


class SchedulePlan(models.Model):
    """One run of the planner for one program week, and its outcome.

    ``instance`` and ``solution`` hold the engine's JSON (docs/scheduling-format.md);
    ``cutoff`` is set for re-plans: sessions starting before it are already past and stay.
    The progress fields are written by the background task while the solver runs."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="schedule_plans")
    week_start = models.DateField(help_text="The Monday of the planned week (program zone).")
    kind = models.CharField(max_length=16, choices=PlanKind.choices)
    state = models.CharField(max_length=16, choices=PlanState.choices)
    basis = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The approved plan of the week before, whose sessions the plan tries to keep.",
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The approved plan of the same week when this one was requested, if any.",
    )
    cutoff = models.DateTimeField(null=True, blank=True)
    instance = models.JSONField()
    solution = models.JSONField(null=True, blank=True)
    conflicts = models.JSONField(default=list, blank=True)
    components = models.JSONField(default=dict, blank=True)
    objective = models.IntegerField(null=True, blank=True)
    solver_status = models.CharField(max_length=16, blank=True)
    failure = models.TextField(blank=True)
    progress_stage = models.CharField(max_length=40, blank=True)
    progress_message = models.CharField(max_length=300, blank=True)
    progress_elapsed = models.FloatField(null=True, blank=True)
    progress_objective = models.IntegerField(null=True, blank=True)
    progress_bound = models.FloatField(null=True, blank=True)
    time_limit = models.FloatField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="approved")
                | Q(approved_by__isnull=False, approved_at__isnull=False, solution__isnull=False),
                name="schedule_plan_approved_has_approver",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "week_start", "state"], name="schedule_plan_week_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} plan of {self.program} for {self.week_start}"


class ScheduledSession(models.Model):
    """A group meeting or an individual, psychiatry or family appointment on the calendar.

    ``plan`` is null for sessions created by hand. A replaced or called-off session is
    cancelled (``cancelled_at``), never deleted: attendance is recorded against sessions."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="scheduled_sessions"
    )
    plan = models.ForeignKey(
        SchedulePlan, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    kind = models.CharField(max_length=16, choices=SessionKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.PROTECT, related_name="scheduled_sessions"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scheduled_sessions"
    )
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.PROTECT, related_name="scheduled_sessions"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(kind="group") | Q(cohort__isnull=False),
                name="session_group_has_cohort",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "starts_at"], name="session_program_start_idx"),
            models.Index(fields=["clinician", "starts_at"], name="session_clinician_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.starts_at:%Y-%m-%d %H:%M} UTC"


class SessionParticipant(models.Model):
    """An expected attendee: the patient of an individual, psychiatry or family session, or
    each cohort member available in a group meeting's slot."""

    session = models.ForeignKey(
        ScheduledSession, on_delete=models.CASCADE, related_name="participants"
    )
    episode = models.ForeignKey(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="session_participations"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "episode"], name="participant_unique"),
        ]

    def __str__(self) -> str:
        return f"Episode {self.episode_id} in session {self.session_id}"


class _Window(models.Model):
    """A weekly window of local time (program zone) on one weekday."""

    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "A window must end after it starts."})


class StaffAvailability(_Window):
    """When a staff member can be scheduled in a program (configuration, not patient data)."""

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="staff_availability"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="availability"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="staff_window_ordered"
            ),
        ]
        verbose_name_plural = "staff availability"

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class PatientAvailability(_Window):
    """When a patient can attend (around work, school and care duties)."""

    episode = models.ForeignKey(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="availability"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="patient_window_ordered"
            ),
        ]
        verbose_name_plural = "patient availability"

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class SchedulingNeeds(models.Model):
    """What an episode must or should get each week besides its group (issue 5 §5)."""

    episode = models.OneToOneField(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="scheduling_needs"
    )
    individual_per_week = models.PositiveSmallIntegerField(default=1)
    emdr = models.BooleanField(default=False, help_text="Needs an EMDR-trained therapist.")
    family = models.BooleanField(default=False, help_text="A family session is wanted.")
    psychiatry_due = models.BooleanField(default=False, help_text="A psychiatry visit is due.")

    class Meta:
        verbose_name_plural = "scheduling needs"

    def __str__(self) -> str:
        return f"Needs of episode {self.episode_id}"


class HourBand(models.Model):
    """A program's weekly hour target for patients in one phase (tapering in the last)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="hour_bands")
    phase = models.CharField(max_length=16, choices=Phase.choices)
    min_hours = models.PositiveSmallIntegerField()
    max_hours = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "phase"], name="hour_band_unique_phase"),
            models.CheckConstraint(
                condition=Q(max_hours__gte=models.F("min_hours")), name="hour_band_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()}: {self.min_hours}–{self.max_hours} h/week"

    def clean(self) -> None:
        if (
            self.min_hours is not None
            and self.max_hours is not None
            and self.max_hours < self.min_hours
        ):
            raise ValidationError({"max_hours": "The maximum must not be below the minimum."})
