"""``openiop place ASSESSMENT.json``: the level-of-care placement engine from the shell.

A thin shell over the pure engine (``engines.placement``): it reads one assessment file
(``-`` reads standard input), prints the decision JSON (docs/placement.md) on stdout, and
never touches the database. Exit codes: 0 placed; 2 bad input (unreadable file, not UTF-8,
not JSON, or not a valid assessment), reported as one line on stderr naming the error code
and the JSON path.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from engines.placement import (
    PlacementFormatError,
    assessment_from_json,
    decision_to_text,
    place,
)

USAGE_ERROR = 2
STDIN = "-"


class Command(BaseCommand):
    help = (
        "Recommend a level of care for one intake assessment and print the decision as JSON, "
        "e.g. 'openiop place docs/examples/placement/iop.json'. '-' reads the assessment from "
        "standard input. Formats and rules: docs/placement.md."
    )
    # A pure calculation on a file: the database and the deployment checks are irrelevant.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "assessment",
            metavar="ASSESSMENT.json",
            help="An openiop.placement.assessment file, or '-' for standard input.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Prints the decision. Raises CommandError(returncode=2) for any bad input."""
        name: str = options["assessment"]
        try:
            assessment = assessment_from_json(read_input(name))
        except PlacementFormatError as error:
            raise CommandError(
                f"{_shown(name)}: {error.code} at {error.path}: {error.message}",
                returncode=USAGE_ERROR,
            ) from None
        self.stdout.write(decision_to_text(place(assessment)), ending="")


def read_input(name: str) -> bytes:
    """The raw bytes of the file ``name`` (standard input for ``-``); the codec decodes
    them, so a bad encoding is reported like any other format error.

    Raises CommandError(returncode=2, code unreadable_file) when the file cannot be read.
    """
    try:
        if name == STDIN:
            return sys.stdin.buffer.read()
        return Path(name).read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise CommandError(
            f"{_shown(name)}: unreadable_file: {reason}", returncode=USAGE_ERROR
        ) from None


def _shown(name: str) -> str:
    # repr() keeps the message on one line whatever characters the file name holds.
    return "<stdin>" if name == STDIN else repr(name)
