"""``openiop score INSTRUMENT --answers 0,1,2,...`` and ``openiop score --list [--json]``.

A thin shell over the pure scoring engine (``engines.instruments``): it reads no database
and writes nothing. Bad input ends with a one-line message on stderr and exit code 2.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import engines.instruments as instruments

USAGE_ERROR = 2


class Command(BaseCommand):
    help = (
        "Score a standardized instrument and print the result as JSON, e.g. "
        "'openiop score phq9 --answers 1,2,0,1,3,0,0,1,0'. Leave an answer blank or write '-' "
        "when it is missing. 'openiop score --list' prints one instrument per line "
        "(id, short title, version, languages); add --json for a JSON list."
    )
    # A pure calculation: the database and the deployment checks are irrelevant to it.
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Django gives every command a --version that prints Django's own version; here
        # --version selects the instrument version, so the later definition must win.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "instrument",
            nargs="?",
            metavar="INSTRUMENT",
            help="Instrument id or its short title: phq9 / PHQ-9, gad7, pcl5, pcptsd5, "
            "auditc, dast10, asq.",
        )
        parser.add_argument(
            "--answers",
            metavar="A,B,C",
            help="Comma-separated answers, one per item in order; blank or '-' = missing.",
        )
        parser.add_argument(
            "--version",
            dest="instrument_version",
            metavar="V",
            help="Instrument version (default: the latest).",
        )
        parser.add_argument(
            "--language", default="en", help="Language of the wording used (default: en)."
        )
        parser.add_argument(
            "--list",
            dest="list_instruments",
            action="store_true",
            help="List the instruments instead of scoring.",
        )
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="With --list: print JSON."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Prints the score as JSON (or the instrument list). Raises CommandError(returncode=2)
        for a missing INSTRUMENT or --answers and for any ScoringError."""
        if options["list_instruments"]:
            self.stdout.write(_listing(as_json=options["as_json"]))
            return
        if not options["instrument"]:
            raise CommandError(
                "Name the instrument to score, e.g. 'openiop score phq9 --answers 0,1,2,0,1,0,"
                "0,1,0'; 'openiop score --list' shows the instruments.",
                returncode=USAGE_ERROR,
            )
        if options["answers"] is None:
            raise CommandError(
                "Give the answers with --answers, one per item in order, e.g. --answers "
                "0,1,2,,3 (a blank is a missing answer).",
                returncode=USAGE_ERROR,
            )
        try:
            result = instruments.score(
                options["instrument"],
                instruments.parse_answers(options["answers"]),
                version=options["instrument_version"],
                language=options["language"],
            )
        except instruments.ScoringError as error:
            raise CommandError(f"{error.message} ({error.code})", returncode=USAGE_ERROR) from error
        self.stdout.write(
            json.dumps(result.as_dict(), indent=2, sort_keys=True, ensure_ascii=False)
        )


def _listing(*, as_json: bool) -> str:
    rows = [
        {
            "id": instrument.id,
            "short_title": instrument.short_title,
            "title": instrument.title,
            "version": instrument.version,
            "languages": list(instrument.languages),
        }
        for instrument in instruments.INSTRUMENTS.values()
    ]
    if as_json:
        return json.dumps(rows, indent=2, ensure_ascii=False)
    return "\n".join(
        f"{row['id']:<8} {row['short_title']:<10} v{row['version']:<4} "
        f"{', '.join(row['languages'])}"
        for row in rows
    )
