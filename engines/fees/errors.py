"""The one error the fees engine raises for input a person or an adapter must correct."""


class FeeInputError(ValueError):
    """Bad input to a fees calculation.

    ``code`` is stable and meant for programs (see the module docstrings for each code);
    ``field`` names the offending input as a path such as ``benefits.deductible_met`` or
    ``tiers[2].discount_percent``; ``message`` is one sentence for a person.
    """

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.code = code
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        return f"FeeInputError(code={self.code!r}, field={self.field!r})"
