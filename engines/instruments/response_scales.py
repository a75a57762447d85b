"""Answer choices shared by several instruments."""

from __future__ import annotations

from engines.instruments.model import Option, frozen_text

NO = Option(value=0, label=frozen_text({"en": "No"}))
YES = Option(value=1, label=frozen_text({"en": "Yes"}))

# Yes counts 1 and No 0 (PC-PTSD-5, DAST-10 before reverse keying, ASQ).
YES_NO: tuple[Option, ...] = (NO, YES)
