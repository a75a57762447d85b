from __future__ import annotations

from openiop.core.errors import DomainError


class LikelyDuplicatePatient(DomainError):
    """A patient with the same legal name and date of birth already exists."""

    code = "likely_duplicate_patient"

    def __init__(self, message: str, *, candidate_ids: list[int]) -> None:
        super().__init__(message)
        self.candidate_ids = candidate_ids


class CareTeamRuleBroken(DomainError):
    code = "care_team_rule_broken"
