"""Password rules beyond Django's built-ins (OWASP ASVS 5.0 6.2; NIST SP 800-63B).

Length and a common-password list, no composition rules, no rotation. Passwords are
compared exactly as typed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

# Context-specific words (ASVS 6.2.11): a password that is mostly the product's or the
# clinic's vocabulary is the first thing an attacker tries.
CONTEXT_WORDS = ("openiop", "iop", "php", "clinic", "therapy", "program", "password")
MAX_LENGTH = 1024


class ContextWordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.casefold()
        for word in CONTEXT_WORDS:
            remainder = lowered.replace(word, "")
            if word in lowered and len(set(remainder)) < 4:
                raise ValidationError(
                    "This password is mostly a word tied to this system or clinic.",
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return "Your password can't be mostly a word like the product or clinic name."


class MaximumLengthValidator:
    """Accept long passphrases (ASVS 6.2.9 asks for 64+) but bound the hashing work."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > MAX_LENGTH:
            raise ValidationError(
                f"Use at most {MAX_LENGTH} characters.", code="password_too_long_for_us"
            )

    def get_help_text(self) -> str:
        return f"Up to {MAX_LENGTH} characters; long passphrases are welcome."
