"""How an organization is laid out: sites, programs at a level of care, tracks and rooms."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from openiop.programs.timezones import validate_time_zone


class LevelOfCare(models.TextChoices):
    """Program levels (ASAM 3rd ed. levels 1, 2.1 and 2.5; clinical.md §1.1)."""

    OP = "op", "Outpatient (OP)"
    IOP = "iop", "Intensive outpatient (IOP)"
    PHP = "php", "Partial hospitalization (PHP)"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Mon"
    TUESDAY = 1, "Tue"
    WEDNESDAY = 2, "Wed"
    THURSDAY = 3, "Thu"
    FRIDAY = 4, "Fri"
    SATURDAY = 5, "Sat"
    SUNDAY = 6, "Sun"


class Organization(models.Model):
    name = models.CharField(max_length=200, unique=True)

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="site_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(max_length=200)
    level_of_care = models.CharField(max_length=8, choices=LevelOfCare.choices)
    time_zone = models.CharField(
        max_length=64,
        validators=[validate_time_zone],
        error_messages={"blank": "Every program needs a time zone (for example America/Chicago)."},
        help_text="IANA time zone, e.g. America/Chicago. Service dates are computed in it.",
    )
    min_weekly_hours = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MinValueValidator(0)]
    )
    max_weekly_hours = models.DecimalField(
        max_digits=4, decimal_places=1, validators=[MaxValueValidator(168)]
    )
    is_part2 = models.BooleanField(
        default=False,
        help_text="A 42 CFR Part 2 substance-use program: its records are Part 2 protected.",
    )
    plan_review_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1)],
        help_text="Days between treatment-plan reviews (program policy; Medicare asks for at "
        "least every other month, clinical.md §1.4).",
    )
    medication_watch_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1)],
        help_text="Days group facilitators watch for a response after a medication change.",
    )
    late_entry_hours = models.PositiveSmallIntegerField(
        default=48,
        validators=[MinValueValidator(1)],
        help_text="A note signed more than this many hours after its session ended is marked "
        "as a late entry.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="program_unique_name"),
            models.CheckConstraint(condition=~Q(time_zone=""), name="program_has_time_zone"),
            models.CheckConstraint(
                condition=Q(max_weekly_hours__gte=models.F("min_weekly_hours")),
                name="program_hour_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def clean(self) -> None:
        if (
            self.min_weekly_hours is not None
            and self.max_weekly_hours is not None
            and self.max_weekly_hours < self.min_weekly_hours
        ):
            raise ValidationError(
                {"max_weekly_hours": "The weekly maximum must not be below the minimum."}
            )


class Track(models.Model):
    """A recurring schedule inside a program, e.g. "Adult IOP – Evening", Mon/Tue/Thu 18–21."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="tracks")
    name = models.CharField(max_length=200)
    weekdays = models.JSONField(help_text="Days the track meets, 0 = Monday … 6 = Sunday.")
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="track_unique_name"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="track_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        days = self.weekdays
        if (
            not isinstance(days, list)
            or not days
            or any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in days)
            or len(set(days)) != len(days)
        ):
            raise ValidationError({"weekdays": "List the meeting days as distinct numbers 0–6."})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "A track must end after it starts."})

    @property
    def weekday_labels(self) -> str:
        return ", ".join(Weekday(d).label for d in sorted(self.weekdays))

    @property
    def hours_per_week(self) -> float:
        minutes = (self.ends_at.hour * 60 + self.ends_at.minute) - (
            self.starts_at.hour * 60 + self.starts_at.minute
        )
        return minutes * len(self.weekdays) / 60


class Enrollment(models.TextChoices):
    """Whether a cohort admits newcomers: a rolling group takes members as they are admitted,
    a closed group keeps the members it started with (scheduling.md §3.2)."""

    ROLLING = "rolling", "Open (rolling admission)"
    CLOSED = "closed", "Closed"


class Cohort(models.Model):
    """A standing group of peers in one track who move through treatment together
    (6–12 patients is the usual IOP group size). Patients join through their episode."""

    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=200)
    started_on = models.DateField()
    min_size = models.PositiveSmallIntegerField(
        default=6, help_text="Fewest members the group may meet with (0 allows an empty group)."
    )
    max_size = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1)], help_text="Most members (capacity)."
    )
    enrollment = models.CharField(
        max_length=8, choices=Enrollment.choices, default=Enrollment.ROLLING
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facilitated_cohorts",
        help_text="The usual facilitator; the planner may cover with another.",
    )
    room = models.ForeignKey(
        "Room",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cohorts",
        help_text="The usual room, at the program's site.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["track", "name"], name="cohort_unique_name"),
            models.CheckConstraint(
                condition=Q(max_size__gte=models.F("min_size")), name="cohort_sizes_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.min_size is not None
            and self.max_size is not None
            and self.max_size < self.min_size
        ):
            raise ValidationError({"max_size": "The most members must not be below the fewest."})
        if (
            self.track_id is not None
            and (room := self.room) is not None
            and room.site_id != self.track.program.site_id
        ):
            raise ValidationError({"room": "That room is at another site."})

    @property
    def is_closed(self) -> bool:
        return self.enrollment == Enrollment.CLOSED


class Room(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=100)
    capacity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="room_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.capacity})"
