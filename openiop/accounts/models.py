"""Principals (staff and patients) and staff membership in programs."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from openiop.accounts.identity import normalize_username
from openiop.accounts.roles import Competency, OrgRole, Principal, ProgramRole
from openiop.programs.models import Program


class OpenIOPUserManager(UserManager["User"]):
    @classmethod
    def normalize_username(cls, username: str) -> str:
        return normalize_username(username)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username=normalize_username(username or ""))


class User(AbstractUser):
    """A person who signs in. ``principal`` separates staff from portal patients."""

    principal = models.CharField(max_length=16, choices=Principal.choices, default=Principal.STAFF)
    org_role = models.CharField(max_length=16, choices=OrgRole.choices, blank=True, default="")
    credentials = models.CharField(max_length=60, blank=True, help_text="e.g. LCSW, MD, PMHNP")
    competencies = models.JSONField(default=list, blank=True)

    objects: ClassVar[OpenIOPUserManager] = OpenIOPUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip() or self.username
        return f"{name}, {self.credentials}" if self.credentials else name

    def clean(self) -> None:
        super().clean()
        self.username = normalize_username(self.username)
        if not isinstance(self.competencies, list) or any(
            c not in Competency.values for c in self.competencies
        ):
            raise ValidationError({"competencies": "Unknown competency."})
        clash = User.objects.filter(username=self.username).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError({"username": "That username is taken (names ignore case)."})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.username = normalize_username(self.username)
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A staff member's role in one program. Access to patients flows only from these."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=ProgramRole.choices)
    caseload_cap = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Most patients this person carries here; blank = no cap."
    )
    is_active = models.BooleanField(default=True)
    on_call = models.BooleanField(
        default=False,
        help_text="Receives this program's safety alerts as the on-call clinician.",
    )
    supervisor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisees",
        help_text="Set for a trainee: their signed notes wait for this supervisor's co-sign.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.username} — {self.get_role_display()} — {self.program}"
