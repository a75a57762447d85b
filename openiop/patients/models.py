"""Patients and their episodes of care. Fields and constraints only; rules live in services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from openiop.programs.models import Cohort, LevelOfCare, Program, Track


class Language(models.TextChoices):
    """Preferred language (BCP 47). A short list of the languages US programs most often
    serve; extend it as programs need."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    CHINESE = "zh", "Chinese"
    VIETNAMESE = "vi", "Vietnamese"
    TAGALOG = "tl", "Tagalog"
    ARABIC = "ar", "Arabic"
    FRENCH = "fr", "French"
    KOREAN = "ko", "Korean"
    RUSSIAN = "ru", "Russian"
    HAITIAN_CREOLE = "ht", "Haitian Creole"
    ASL = "ase", "American Sign Language"
    OTHER = "und", "Other"


class Patient(models.Model):
    mrn = models.CharField("MRN", max_length=16, unique=True)
    legal_given_name = models.CharField("legal first name", max_length=150)
    legal_family_name = models.CharField("legal last name", max_length=150)
    preferred_name = models.CharField(max_length=150, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField()
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    # Case- and accent-insensitive search and duplicate detection work the same on SQLite
    # and PostgreSQL when they compare a normalized copy of the name.
    name_key = models.CharField(max_length=320, db_index=True, editable=False)
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patient",
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["name_key", "date_of_birth"], name="patient_dup_idx")]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.mrn})"

    @property
    def display_name(self) -> str:
        given = self.preferred_name or self.legal_given_name
        return f"{given} {self.legal_family_name}"


class PatientContact(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=60)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    is_emergency_contact = models.BooleanField(default=False)
    release_of_information = models.BooleanField(
        default=False,
        help_text="A signed release lets staff share information with this person.",
    )
    release_expires_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class ReleaseStatus(models.TextChoices):
    ACTIVE = "active", "May share"
    EXPIRED = "expired", "Release expired"
    NONE = "none", "Do not share"


class EpisodeState(models.TextChoices):
    REFERRED = "referred", "Referred"
    WAITLISTED = "waitlisted", "Waitlisted"
    ADMITTED = "admitted", "Admitted"
    DISCHARGED = "discharged", "Discharged"


OPEN_STATES = (EpisodeState.REFERRED, EpisodeState.WAITLISTED, EpisodeState.ADMITTED)


class Phase(models.TextChoices):
    """Treatment phases of an IOP episode: weeks 1–4, 5–12, 13 and later."""

    STABILIZATION = "stabilization", "Stabilization"
    CORE = "core", "Core"
    TAPER = "taper", "Taper"


class DischargeReason(models.TextChoices):
    GOALS_MET = "goals_met", "Treatment goals met"
    STEP_DOWN = "step_down", "A lower level of care suffices"
    NO_PROGRESS = "no_progress", "No progress at this level"
    STEP_UP = "step_up", "Needs a higher level of care"
    PATIENT_CHOICE = "patient_choice", "Left by the patient's choice"
    NOT_ADMITTED = "not_admitted", "Closed before admission"


class EpisodeOfCare(models.Model):
    """One stay in a program. ``state`` and ``phase`` change only in the transition services
    of ``openiop.patients.services``."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="episodes")
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.PROTECT, related_name="episodes"
    )
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.PROTECT, related_name="episodes"
    )
    level_of_care = models.CharField(max_length=8, choices=LevelOfCare.choices)
    state = models.CharField(max_length=16, choices=EpisodeState.choices)
    phase = models.CharField(max_length=16, choices=Phase.choices, blank=True)
    referred_on = models.DateField()
    waitlisted_on = models.DateField(null=True, blank=True)
    admitted_on = models.DateField(null=True, blank=True)
    phase_since = models.DateField(null=True, blank=True)
    discharged_on = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=24, choices=DischargeReason.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "program"],
                condition=~Q(state="discharged"),
                name="episode_one_open_per_program",
            ),
            models.CheckConstraint(
                condition=Q(
                    state="admitted", admitted_on__isnull=False, phase__in=list(Phase.values)
                )
                | ~Q(state="admitted"),
                name="episode_admitted_has_date_and_phase",
            ),
            models.CheckConstraint(
                condition=Q(state="discharged", discharged_on__isnull=False)
                | ~Q(state="discharged"),
                name="episode_discharged_has_date",
            ),
        ]
        indexes = [models.Index(fields=["program", "state"], name="episode_program_state_idx")]

    def __str__(self) -> str:
        return f"{self.program} — {self.get_state_display()}"


class CohortMembership(models.Model):
    """An episode's time in one cohort. ``EpisodeOfCare.cohort`` points at the current one;
    these rows keep the history (join and leave dates are local dates in the program's zone).
    Written only by ``episode_assign_cohort`` and ``episode_discharge``."""

    episode = models.ForeignKey(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="cohort_memberships"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="memberships")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["episode"],
                condition=Q(left_on__isnull=True),
                name="cohort_membership_one_current",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="cohort_membership_leaves_after_joining",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "left_on"], name="cohort_membership_cohort_idx")]

    def __str__(self) -> str:
        return f"Episode {self.episode_id} in cohort {self.cohort_id}"


class CareTeam(models.Model):
    episode = models.OneToOneField(
        EpisodeOfCare, on_delete=models.PROTECT, related_name="care_team"
    )
    primary_therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Care team of episode {self.episode_id}"


class MrnSequence(models.Model):
    """A single-row counter that hands out medical record numbers without gaps or races."""

    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"last MRN issued: {self.last}"
