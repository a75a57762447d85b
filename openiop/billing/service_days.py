"""An episode's service days: the local dates, in its program's time zone, that count as one
billing unit each (per-diem billing; see ``openiop.billing.authorizations``).

The rule ("attendance reaches the bill", issue 6 §2):

- a day **before today** is a service day only if the episode has an *attended* attendance
  record (present, late, left early or telehealth; ``openiop.attendance.models.ATTENDED``) for
  a non-cancelled session on it. A past day with only absences, or with no record at all, is
  not: per-diem IOP/PHP claims bill days on which the patient received services (CMS Medicare
  Benefit Policy Manual ch. 6 §70.3 for PHP; payer IOP per-diem contracts follow it);
- **today and later** days also count while they are planned: a non-cancelled session with no
  record yet. A session already recorded as an absence no longer plans the day.

"Today" is the local date in the episode's program zone, and so is each session's date: an
evening group that starts after midnight UTC belongs to the program's local date
(CONVENTIONS §3).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Subquery

from openiop.attendance.models import ATTENDED, Attendance
from openiop.core import clock
from openiop.patients.models import EpisodeOfCare
from openiop.scheduling.models import SessionParticipant

# UTC offsets reach ±14 h, so a local date always lies within a day of the UTC date.
_MARGIN = dt.timedelta(days=1)


def service_dates_by_episode(
    episodes: Iterable[EpisodeOfCare], *, start: dt.date, end: dt.date
) -> dict[int, list[dt.date]]:
    """episode id → its sorted distinct service days between ``start`` and ``end`` inclusive,
    by the rule of this module's docstring.

    One query for any number of episodes; each episode must have ``program`` loaded (its zone
    decides the dates and today). Episodes without a service day map to an empty list.
    """
    zones: dict[int, ZoneInfo] = {e.pk: e.program.zone for e in episodes}
    found: dict[int, set[dt.date]] = defaultdict(set)
    if zones and start <= end:
        today = {pk: clock.localdate(zone) for pk, zone in zones.items()}
        lower = dt.datetime.combine(start - _MARGIN, dt.time(), tzinfo=dt.UTC)
        upper = dt.datetime.combine(end + 2 * _MARGIN, dt.time(), tzinfo=dt.UTC)
        record = Attendance.objects.filter(
            session_id=OuterRef("session_id"), episode_id=OuterRef("episode_id")
        ).values("status")[:1]
        rows = (
            SessionParticipant.objects.filter(
                episode_id__in=list(zones),
                session__cancelled_at__isnull=True,
                session__starts_at__gte=lower,
                session__starts_at__lt=upper,
            )
            .annotate(status=Subquery(record))
            .values_list("episode_id", "session__starts_at", "status")
        )
        for episode_id, starts_at, status in rows:
            day = starts_at.astimezone(zones[episode_id]).date()
            if not start <= day <= end:
                continue
            if status in ATTENDED or (status is None and day >= today[episode_id]):
                found[episode_id].add(day)
    return {pk: sorted(found.get(pk, ())) for pk in zones}
