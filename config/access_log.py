"""gunicorn's access log without the secrets that travel in URL paths.

Portal links (``/m/<token>/``) and calendar feeds (``/calendar/feed/<token>.ics``) carry their
credential in the path, and an access log would otherwise keep every token it ever saw
(security.md R23: logs never contain tokens). ``--logger-class
config.access_log.TokenMaskingLogger`` masks them in every field that holds the path or the
request line (and in the environment atoms); query strings are dropped for the same reason.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

_TOKEN_IN_PATH = re.compile(r"(/m/|/calendar/feed/)[^/?\s]+?(\.ics)?(?=/|\?|\s|$)")


def mask(text: str) -> str:
    """``text`` with every token segment of a tokenized URL replaced by ``[token]``."""
    return _TOKEN_IN_PATH.sub(lambda m: f"{m.group(1)}[token]{m.group(2) or ''}", text)


class TokenMaskingLogger(Logger):  # type: ignore[misc]  # gunicorn ships no type hints
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = mask(value)
        for key in ("r", "{raw_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = re.sub(r"\?\S*", "", atoms[key])
        atoms["q"] = atoms["{query_string}e"] = "-"
        return atoms
