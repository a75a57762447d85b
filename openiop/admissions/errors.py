"""Refusals of the front door, each with a stable code."""

from __future__ import annotations

from openiop.core.errors import DomainError


class NoContactMethod(DomainError):
    """A referral must say how to reach the person: a phone number or an e-mail address."""

    code = "referral_no_contact_method"


class DuplicateReferral(DomainError):
    """The person already has an open referral; work that one instead of opening another."""

    code = "duplicate_referral"

    def __init__(self, message: str, *, referral_ids: list[int]) -> None:
        super().__init__(message)
        self.referral_ids = referral_ids


class StageGateNotMet(DomainError):
    """A referral may enter the next stage only when what that stage means is true."""

    code = "stage_gate_not_met"


class TrackFull(DomainError):
    """Every seat in the track is taken; the person can wait on the track's waitlist."""

    code = "track_full"

    def __init__(self, message: str, *, track_id: int) -> None:
        super().__init__(message)
        self.track_id = track_id


class AssessmentIncomplete(DomainError):
    """A completed assessment needs every ASAM dimension, the safety screen and the hours
    available; a missing one is an error, never a default."""

    code = "assessment_incomplete"

    def __init__(self, message: str, *, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


class OverrideNeedsReason(DomainError):
    code = "placement_override_needs_reason"


class ReferralFileRejected(DomainError):
    """A referral CSV that cannot be read at all (encoding, header). Row problems are not
    this error: they are reported per row and the good rows still import."""

    code = "referral_file_rejected"
