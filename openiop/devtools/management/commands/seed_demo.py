"""``openiop seed-demo [--seed N] [--if-empty]``: fill an empty database with synthetic data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openiop.devtools.demo import demo_data_present, seed_demo
from openiop.devtools.report import LOGINS_FILE, render_summary, write_logins


class Command(BaseCommand):
    help = (
        "Create a synthetic demo organization (programs, staff, ~60 patients and their "
        "questionnaires) through the audited services. Refuses in production and on a "
        "database that already has programs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=7, help="Same seed, same data (default 7).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="If the database already has programs, say so and exit 0 instead of failing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Side effects: writes the demo data and var/demo-logins.txt; prints the summary."""
        if settings.OPENIOP_PROFILE == "production":
            raise CommandError(
                "seed-demo refuses to run in the production profile: it creates synthetic "
                "patients and accounts with printed passwords."
            )
        if demo_data_present():
            if options["if_empty"]:
                self.stdout.write("Demo data already present; leaving it.")
                logins = Path(settings.BASE_DIR) / LOGINS_FILE
                if logins.exists():
                    self.stdout.write(logins.read_text(encoding="utf-8"))
                return
            raise CommandError(
                "The database already has programs; seed-demo only fills an empty database. "
                "Use a fresh database, or pass --if-empty to leave existing data alone.",
                returncode=1,
            )
        result = seed_demo(seed=options["seed"])
        path = write_logins(result, base_dir=Path(settings.BASE_DIR))
        self.stdout.write(render_summary(result, path))
