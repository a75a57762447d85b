"""Keep PHI, passwords and tokens out of application logs (security.md R23, ASVS 16.2.5).

Application logs are for operators. Patient identity belongs in the audit log only. This
filter is the last line of defence: it strips CR/LF (log injection, ASVS 16.4.1) and masks
values of keys that look like secrets or personal data when code logs a mapping.
"""

from __future__ import annotations

import logging
import re

_SECRET_PATTERN = re.compile(
    r"(?i)(password|passwd|secret|token|otp|sessionid|csrftoken|authorization|cookie|"
    r"date_of_birth|dob|legal_\w+_name|preferred_name|phone|email)"
    r"(['\"]?\s*[:=]\s*['\"]?)([^'\"\s,&}]+)"
)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = _SECRET_PATTERN.sub(r"\1\2[redacted]", message)
        cleaned = cleaned.replace("\r", "\\r").replace("\n", "\\n")
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True
