"""Form widgets shared by every context's forms."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """The browser's native date picker (ISO dates, no locale parsing)."""

    input_type = "date"
