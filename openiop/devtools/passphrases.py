"""Demo passwords: three words from a fixed list plus two digits, drawn from the seed.

Pure, no side effects. Every passphrase is at least 17 characters and passes the project's
password validators (length, common-password list, context words). They are demo
credentials printed on the console: the seed-demo command refuses to run in production.
"""

from __future__ import annotations

import random

# Plain, distinct words with no overlap with the product's or clinic's vocabulary
# (openiop.accounts.passwords.CONTEXT_WORDS) or with any demo user's name.
WORDS: tuple[str, ...] = (
    "amber",
    "birch",
    "cobalt",
    "dune",
    "ember",
    "fjord",
    "garnet",
    "harbor",
    "indigo",
    "juniper",
    "kestrel",
    "lantern",
    "meadow",
    "nectar",
    "orchid",
    "pebble",
    "quartz",
    "raven",
    "saffron",
    "tundra",
    "umber",
    "velvet",
    "willow",
    "zephyr",
)


def passphrase(rng: random.Random) -> str:
    """Three distinct words and two digits, e.g. ``willow-cobalt-raven-42``."""
    words = rng.sample(WORDS, 3)
    return f"{'-'.join(words)}-{rng.randrange(10, 100)}"
