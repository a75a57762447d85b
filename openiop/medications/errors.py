"""Refusals of the medications context, each with a stable machine-readable ``code`` and, when
the problem belongs to one form field, that field's name (``field``) so the chart tab can show
the message next to it. Every refusal is raised before anything is written."""

from __future__ import annotations

from openiop.core.errors import DomainError, InvalidTransition


class MedicationInvalid(DomainError):
    """Input breaks a rule of the medication list (the subclasses name which)."""

    code = "medication_invalid"


class FieldRequired(MedicationInvalid):
    code = "required"


class EpisodeNotAdmitted(InvalidTransition):
    """Medications are kept for admitted patients only."""

    code = "episode_not_admitted"


class EpisodeClosed(InvalidTransition):
    """A screen belongs to an open episode (referred, waitlisted or admitted)."""

    code = "episode_closed"


class NotAPrescriber(MedicationInvalid):
    """The named prescriber (or the person writing) holds no active prescriber role here."""

    code = "not_a_prescriber"


class StartTooFarAhead(MedicationInvalid):
    code = "start_too_far_ahead"


class DateInFuture(MedicationInvalid):
    code = "date_in_future"


class StopBeforeStart(MedicationInvalid):
    code = "stop_before_start"


class ChangeBeforeStart(MedicationInvalid):
    code = "change_before_start"


class BeforeLastChange(MedicationInvalid):
    """The medication's history is in date order: a change or stop cannot predate the last
    change already on record."""

    code = "before_last_change"


class NothingChanged(MedicationInvalid):
    code = "nothing_changed"


class MedicationStopped(InvalidTransition):
    code = "medication_stopped"


class NotYourWatch(DomainError):
    """Only the facilitator a watch was set for marks it seen."""

    code = "not_your_watch"


class NotASubstanceUseProgram(DomainError):
    """Drug screens are recorded only in Part 2 (substance-use) programs."""

    code = "not_a_substance_use_program"


class ScreenInvalid(DomainError):
    """A drug-screen record breaks a rule (the subclasses name which)."""

    code = "screen_invalid"


class NoScreenResults(ScreenInvalid):
    code = "no_results"


class SubstanceRequired(ScreenInvalid):
    code = "substance_required"


class UnknownScreenResult(ScreenInvalid):
    code = "unknown_result"


class DuplicateSubstance(ScreenInvalid):
    code = "duplicate_substance"


class CollectedInFuture(ScreenInvalid):
    code = "collected_in_future"


class CollectedBeforeEpisode(ScreenInvalid):
    code = "collected_before_episode"
