"""The self check-in kiosk: a device principal for one program (security.md R12).

The credential is a random token in a long-lived HttpOnly, SameSite=Strict cookie scoped to
``/kiosk/`` (``openiop.core.tokens``, like portal links and calendar feeds); only its SHA-256
is stored (``KioskDevice.token_hash``), so a database copy
cannot impersonate a kiosk. A revoked kiosk is refused on its next request.

Failed check-ins are counted from the audit log (KIOSK_CHECKIN_FAILED rows of the device):
more than ``FAILURE_LIMIT`` in ``FAILURE_WINDOW`` and the kiosk answers 429 until the window
passes, which slows guessing names and birth dates to a trickle.
"""

from __future__ import annotations

import datetime as dt

from openiop.attendance.models import KioskDevice
from openiop.audit.models import AuditEvent
from openiop.core import clock
from openiop.core.tokens import token_hash

COOKIE_NAME = "openiop_kiosk"
COOKIE_PATH = "/kiosk/"
COOKIE_MAX_AGE = 365 * 24 * 3600
FAILURE_LIMIT = 10
FAILURE_WINDOW = dt.timedelta(minutes=10)
#: A patient may check in from this long before the session starts until it ends.
CHECKIN_OPENS = dt.timedelta(minutes=60)
#: Arriving more than this after the start is recorded as late (common IOP practice: a
#: grace period of about 10 minutes before a group counts the arrival as late).
LATE_AFTER = dt.timedelta(minutes=10)


def kiosk_for_token(token: str | None) -> KioskDevice | None:
    """The live (not revoked) kiosk whose cookie carries ``token``, with its program."""
    if not token or len(token) > 200:
        return None
    return (
        KioskDevice.objects.select_related("program")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )


def kiosk_failures_recent(device: KioskDevice) -> int:
    """Failed check-ins at ``device`` within the last FAILURE_WINDOW (one query)."""
    return AuditEvent.objects.filter(
        action="KIOSK_CHECKIN_FAILED",
        object_type="kiosk",
        object_id=str(device.pk),
        occurred_at__gte=clock.now() - FAILURE_WINDOW,
    ).count()


def kiosk_rate_limited(device: KioskDevice) -> bool:
    return kiosk_failures_recent(device) >= FAILURE_LIMIT
