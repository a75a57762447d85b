"""Settings for the automated suite: the real settings with the test profile."""

import os

os.environ.setdefault("OPENIOP_ENV", "test")
os.environ.setdefault("OPENIOP_REQUIRE_MFA", "1")

from config.settings import *  # noqa: F403

# Argon2 at its production cost makes every login in the suite slow; keep the algorithm
# (tests still see argon2id hashes) with the cheapest parameters.
PASSWORD_HASHERS = ["tests.hashers.CheapArgon2PasswordHasher"]
