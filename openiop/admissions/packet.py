"""The welcome packet a patient takes home on admission: their schedule, what to expect,
where to get help in a crisis, their rights, and (in a 42 CFR Part 2 program) the Part 2
notice. ``packet_context`` builds the page's data; ``packet_pdf`` prints it with WeasyPrint,
as the outcomes report does (openiop/measures/reports.py).

The texts are OpenIOP's plain-language wording. Crisis resources: the 988 Suicide & Crisis
Lifeline (call or text 988) is the US crisis line named in current safety-plan templates
(clinical.md §4), and 911 is for emergencies. The program has no phone number on record yet,
so the packet says "call the program" without one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string

from openiop.admissions.access import referral_entry
from openiop.admissions.models import Admission, Referral
from openiop.audit.services import audit_record
from openiop.consents.part2 import NOTICE_2_32
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.core.errors import InvalidTransition
from openiop.patients.models import CareTeam
from openiop.scheduling.models import ScheduledSession

WEEK = dt.timedelta(days=7)
DAY = dt.timedelta(days=1)

WHAT_TO_EXPECT = (
    (
        "Group therapy",
        "Most of your hours are in a small group that meets on your track's days. The same "
        "people meet together each week, so the group gets to know each other.",
    ),
    (
        "Individual therapy every week",
        "You meet your therapist one to one each week to work on your own goals and your "
        "treatment plan.",
    ),
    (
        "Psychiatry",
        "A prescriber sees you to review medications, when you need it.",
    ),
    (
        "Family sessions",
        "When you want them, people close to you can join a session. We share information "
        "only with people you have signed a release for.",
    ),
    (
        "Short questionnaires every week",
        "Each week you answer a few short questions about how you are doing (for example the "
        "PHQ-9). Your answers help you and your team see progress and adjust treatment.",
    ),
)

CRISIS_RESOURCES = (
    ("988 Suicide & Crisis Lifeline", "Call or text 988, any time, day or night."),
    ("Emergencies", "Call 911 or go to the nearest emergency room."),
    ("Your program", "Call the program during its opening hours and ask for your therapist."),
)

RIGHTS = (
    "To be treated with respect and dignity, without discrimination.",
    "To privacy: your health information is protected by HIPAA, and we share it only as the "
    "law allows or as you agree in writing.",
    "To see your records and to get a copy of them.",
    "To take part in planning your treatment and to have it explained in words you understand.",
    "To complain to the program, and to the U.S. Department of Health and Human Services "
    "Office for Civil Rights (HHS OCR), without being punished for complaining.",
    "To refuse or stop treatment at any time.",
)

PART2_EXPLANATION = (
    "Because this program treats substance use, federal law (42 CFR Part 2) gives your "
    "records extra protection. We may share them only with your written consent or where the "
    "law allows without it. Anyone who receives your records with your consent receives this "
    "notice with them:"
)


@dataclass(frozen=True, slots=True)
class PacketSession:
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime


def _admission(referral: Referral) -> Admission:
    admission = Admission.objects.filter(referral=referral).first()
    if admission is None:
        raise InvalidTransition("The welcome packet is printed once the person is admitted.")
    return admission


def first_week_sessions(referral: Referral, admission: Admission) -> list[PacketSession]:
    """Sessions of the first week from the start date (program zone) that the patient is
    expected at, or that their cohort meets in; cancelled ones are left out."""
    episode = referral.episode
    zone = episode.program.zone
    start = dt.datetime.combine(admission.starts_on, dt.time(), tzinfo=zone)
    mine = Q(participants__episode=episode)
    if episode.cohort_id is not None:
        mine |= Q(cohort_id=episode.cohort_id)
    sessions = (
        ScheduledSession.objects.filter(mine, starts_at__gte=start, starts_at__lt=start + WEEK)
        .filter(cancelled_at__isnull=True)
        .distinct()
        .order_by("starts_at", "pk")
    )
    return [
        PacketSession(
            s.get_kind_display(), s.starts_at.astimezone(zone), s.ends_at.astimezone(zone)
        )
        for s in sessions
    ]


def _phases(admission: Admission) -> list[tuple[str, str, dt.date, dt.date | None]]:
    return [
        ("Stabilization", "weeks 1–4", admission.starts_on, admission.core_from - DAY),
        ("Core", "weeks 5–12", admission.core_from, admission.taper_from - DAY),
        ("Taper", "week 13 on", admission.taper_from, None),
    ]


def packet_context(referral: Referral) -> dict[str, Any]:
    """Everything the packet prints. Raises InvalidTransition before admission."""
    admission = _admission(referral)
    episode = referral.episode
    program = episode.program
    team = CareTeam.objects.select_related("primary_therapist").filter(episode=episode).first()
    return {
        "patient": episode.patient,
        "program": program,
        "track": episode.track,
        "cohort": episode.cohort,
        "admission": admission,
        "phases": _phases(admission),
        "sessions": first_week_sessions(referral, admission),
        "therapist": team.primary_therapist if team else None,
        "what_to_expect": WHAT_TO_EXPECT,
        "crisis_resources": CRISIS_RESOURCES,
        "rights": RIGHTS,
        "part2": program.is_part2,
        "part2_explanation": PART2_EXPLANATION,
        "part2_notice": NOTICE_2_32,
        "printed_on": clock.localdate(program.zone),
    }


def packet_html(referral: Referral) -> str:
    return render_to_string("admissions/packet/welcome.html", packet_context(referral))


def packet_pdf(referral: Referral) -> bytes:
    """The packet as PDF bytes. Raises InvalidTransition before admission."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy; only this export

    # The template inlines its styles: WeasyPrint fetches nothing over the network.
    return bytes(HTML(string=packet_html(referral)).write_pdf())


def packet_print(*, actor: Actor, referral: Referral) -> bytes:
    """The packet PDF for a referral the caller authorized; audits WELCOME_PACKET_PRINTED
    once it is built. Raises InvalidTransition before admission (nothing audited)."""
    content = packet_pdf(referral)
    admission = Admission.objects.get(referral=referral)
    audit_record(
        actor=actor,
        entry=referral_entry(
            "WELCOME_PACKET_PRINTED", referral, object_type="admission", object_id=admission.pk
        ),
    )
    return content
