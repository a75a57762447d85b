"""Writes of the attendance context. Every service is keyword-only, runs in one transaction
and writes its audit rows in it. Import from here: ``from openiop.attendance.services import
attendance_record``."""

from openiop.attendance.services.kiosks import (
    CheckIn,
    kiosk_check_in,
    kiosk_check_in_failed,
    kiosk_device_create,
    kiosk_device_revoke,
)
from openiop.attendance.services.policies import (
    attendance_policy_deactivate,
    attendance_policy_set,
    attendance_review_resolve,
)
from openiop.attendance.services.records import (
    attendance_correct,
    attendance_record,
    attendance_record_late,
)
from openiop.attendance.timing import service_date_of, session_minutes

__all__ = [
    "CheckIn",
    "attendance_correct",
    "attendance_policy_deactivate",
    "attendance_policy_set",
    "attendance_record",
    "attendance_record_late",
    "attendance_review_resolve",
    "kiosk_check_in",
    "kiosk_check_in_failed",
    "kiosk_device_create",
    "kiosk_device_revoke",
    "service_date_of",
    "session_minutes",
]
