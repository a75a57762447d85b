"""Who a group note documents: the session's attendees who belong to the group.

An attendee is an episode with an attended record (present, late, left early, telehealth:
``openiop.attendance.models.ATTENDED``) for the session. They belong to the group when they
are an expected participant of the session or a member of its cohort on the service date
(``CohortMembership`` history, so someone who left the cohort since still counts for the day
they attended). Absent members get no entry (issue 6, item 4).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from openiop.attendance.models import ATTENDED, Attendance
from openiop.patients.models import CohortMembership, EpisodeOfCare
from openiop.scheduling.models import ScheduledSession, SessionParticipant


def group_attendees(session: ScheduledSession, service_date: dt.date) -> QuerySet[EpisodeOfCare]:
    """The episodes a group note of ``session`` may document, with their patients, by name."""
    attended = Attendance.objects.filter(
        session=session, episode=OuterRef("pk"), status__in=ATTENDED
    )
    in_group = Q(Exists(SessionParticipant.objects.filter(session=session, episode=OuterRef("pk"))))
    if session.cohort_id is not None:
        member = CohortMembership.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=service_date),
            episode=OuterRef("pk"),
            cohort_id=session.cohort_id,
            joined_on__lte=service_date,
        )
        in_group |= Q(Exists(member))
    return (
        EpisodeOfCare.objects.filter(Exists(attended), in_group, program_id=session.program_id)
        .select_related("patient")
        .order_by("patient__legal_family_name", "patient__legal_given_name", "pk")
    )


def has_attendance(session: ScheduledSession) -> bool:
    """Whether anyone's attendance (attended or absent) is recorded for ``session``."""
    return Attendance.objects.filter(session=session).exists()
