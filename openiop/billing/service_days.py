"""An episode's service days: the local dates, in its program's time zone, on which it takes
part in a session that is not cancelled (one billing unit each; see
``openiop.billing.authorizations``). An evening group that starts after midnight UTC belongs
to the program's local date, not the UTC one (CONVENTIONS §3)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from openiop.patients.models import EpisodeOfCare
from openiop.scheduling.models import SessionParticipant

# UTC offsets reach ±14 h, so a local date always lies within a day of the UTC date.
_MARGIN = dt.timedelta(days=1)


def service_dates_by_episode(
    episodes: Iterable[EpisodeOfCare], *, start: dt.date, end: dt.date
) -> dict[int, list[dt.date]]:
    """episode id → its sorted distinct service days between ``start`` and ``end`` inclusive.

    One query for any number of episodes; each episode must have ``program`` loaded (its zone
    decides the dates). Episodes without a service day map to an empty list.
    """
    zones: dict[int, ZoneInfo] = {e.pk: e.program.zone for e in episodes}
    found: dict[int, set[dt.date]] = defaultdict(set)
    if zones and start <= end:
        lower = dt.datetime.combine(start - _MARGIN, dt.time(), tzinfo=dt.UTC)
        upper = dt.datetime.combine(end + 2 * _MARGIN, dt.time(), tzinfo=dt.UTC)
        rows = SessionParticipant.objects.filter(
            episode_id__in=list(zones),
            session__cancelled_at__isnull=True,
            session__starts_at__gte=lower,
            session__starts_at__lt=upper,
        ).values_list("episode_id", "session__starts_at")
        for episode_id, starts_at in rows:
            day = starts_at.astimezone(zones[episode_id]).date()
            if start <= day <= end:
                found[episode_id].add(day)
    return {pk: sorted(found.get(pk, ())) for pk in zones}
