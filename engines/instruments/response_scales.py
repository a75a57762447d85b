"""Answer choices shared by several instruments."""

from __future__ import annotations

from engines.instruments.model import Option, frozen_text

NO = Option(value=0, label=frozen_text({"en": "No"}))
YES = Option(value=1, label=frozen_text({"en": "Yes"}))

# Yes counts 1 and No 0 (PC-PTSD-5, DAST-10 before reverse keying, ASQ).
YES_NO: tuple[Option, ...] = (NO, YES)

# The PHQ family's frequency scale (PHQ-9, GAD-7; Pfizer, phqscreeners.com), with the
# US-Spanish labels of the Pfizer PHQ-9.
PHQ_FREQUENCY: tuple[Option, ...] = (
    Option(0, frozen_text({"en": "Not at all", "es": "Ningún día"})),
    Option(1, frozen_text({"en": "Several days", "es": "Varios días"})),
    Option(2, frozen_text({"en": "More than half the days", "es": "Más de la mitad de los días"})),
    Option(3, frozen_text({"en": "Nearly every day", "es": "Casi todos los días"})),
)
