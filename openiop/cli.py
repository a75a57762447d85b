"""The ``openiop`` console command: manage.py with the project's settings and friendlier names.

``openiop audit verify`` and ``openiop seed-demo --seed 7`` are management commands; a
hyphenated name maps to its module (seed-demo → seed_demo).
"""

from __future__ import annotations

import os
import sys


def manage(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    args = list(argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)


def main() -> None:
    manage(["openiop", *sys.argv[1:]])
