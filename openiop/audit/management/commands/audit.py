"""``openiop audit verify [--expect-head SEQ:HASH]`` and ``openiop audit head``."""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openiop.audit.selectors import audit_chain_verify

_HEAD = re.compile(r"^(\d+):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail, or print its head for safekeeping elsewhere."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Recompute the hash chain and check the triggers.")
        verify.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="A head printed earlier by 'openiop audit head'; detects rows cut from the end.",
        )
        sub.add_parser("head", help="Print SEQ:HASH of the newest event, to store elsewhere.")

    def handle(self, *args: Any, **options: Any) -> None:
        expected: tuple[int, str] | None = None
        raw = options.get("expect_head")
        if raw:
            match = _HEAD.match(raw.strip())
            if not match:
                raise CommandError(
                    "--expect-head must look like 1234:<64 hex digits>.", returncode=2
                )
            expected = (int(match.group(1)), match.group(2))
        report = audit_chain_verify(expected_head=expected)
        if options["action"] == "head":
            self.stdout.write(f"{report.head_seq}:{report.head_hash}")
            if not report.ok:
                raise CommandError("The chain does not verify; the head above is not trustworthy.")
            return
        if report.ok:
            self.stdout.write(
                f"OK: {report.events} audit events, chain intact, triggers installed. "
                f"Head {report.head_seq}:{report.head_hash}"
            )
            return
        for problem in report.problems:
            self.stderr.write(f"- {problem}")
        raise CommandError(f"Audit trail verification FAILED ({len(report.problems)} problems).")
