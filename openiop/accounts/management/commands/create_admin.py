"""``openiop create-admin USERNAME``: the first system admin of a fresh installation.

``createsuperuser`` is not the way in: it skips OpenIOP's roles and audit. This command
creates the account through ``staff_create`` as an audited system actor.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openiop.accounts.roles import OrgRole
from openiop.accounts.services import staff_create
from openiop.core.actor import Actor


class Command(BaseCommand):
    help = "Create a system admin (configuration only; no patient access). Audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--first-name", default="System")
        parser.add_argument("--last-name", default="Admin")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input instead of prompting (for scripts).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options["password_stdin"])
        try:
            user = staff_create(
                actor=Actor.system("create-admin"),
                username=options["username"],
                password=password,
                first_name=options["first_name"],
                last_name=options["last_name"],
                org_role=OrgRole.SYSTEM_ADMIN,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Created system admin {user.username!r}. Sign in and enrol two-factor sign-in."
        )

    @staticmethod
    def _password(from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords did not match; nothing was created.")
        return first
