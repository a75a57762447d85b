"""Clinical notes in the demo, through the audited services (nothing is saved directly), for
the first mental-health program (Adult IOP):

- group notes for the past groups of its two busiest cohorts, written once with an
  individualized section per attendee (distinct text, a treatment-plan objective linked where
  the patient's plan has one): groups that ended within the documentation window
  (``Program.late_entry_hours``) are signed on time, the latest older one is signed now and
  so is marked a late entry, and two older ones stay as the facilitator's drafts;
- DAP and BIRP notes for past individual sessions, signed by their clinician when within the
  window, with objectives linked when present, and the therapist's older sessions as drafts;
- one addendum, one note entered in error (written in the wrong chart), and a trainee
  therapist, supervised by the therapist, whose note waits for the co-sign.

Signatures need the signer's password (``passwords`` by username: the demo's logins). The
seed is written "today", so notes of older sessions are genuinely signed late: only those
within the window are on time, and how many there are depends on the weekday of seeding.
Deterministic for a seed (``random.Random``). All synthetic.

Call after attendance is seeded (``openiop.devtools.demo_attendance``) and, to link
objectives, after the treatment plans.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from openiop.accounts.models import Membership, User
from openiop.accounts.roles import ProgramRole
from openiop.accounts.services import membership_grant, staff_create
from openiop.attendance.models import ATTENDED, Attendance
from openiop.attendance.timing import service_date_of
from openiop.clinical_notes import services
from openiop.clinical_notes.models import Addendum, Note, NoteKind, NoteState
from openiop.clinical_notes.selectors import objectives_by_episode
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.devtools.layout import ADULT_IOP
from openiop.devtools.passphrases import passphrase
from openiop.patients.models import EpisodeOfCare, EpisodeState
from openiop.programs.models import Program
from openiop.scheduling.models import ScheduledSession, SessionKind
from openiop.treatment_plans.models import PlanObjective

COHORTS = 2  # the busiest cohorts of the program get group notes
GROUP_DRAFTS = 2  # older groups left as the facilitator's drafts
MAX_SIGNED = 6  # at most this many on-time notes of each kind
TRAINEE = "trainee"
SUPERVISOR = "therapist"

TOPICS = (
    "Distress tolerance: the TIPP skills",
    "Cognitive distortions and balanced thoughts",
    "Values and committed action",
    "Sleep and routine",
    "Relapse prevention: high-risk situations",
    "Interpersonal effectiveness: asking for what you need",
    "Mindfulness: observe and describe",
    "Emotion regulation: opposite action",
)
PARTICIPATION = (
    "Arrived on time and joined the check-in without prompting.",
    "Quiet at first; spoke after the facilitator invited reflections.",
    "Shared a recent conflict at work as the example for practice.",
    "Practised the skill in pairs and described the body cues noticed.",
    "Left the room briefly, returned and re-engaged in the exercise.",
    "Offered support to a peer and linked it to own experience.",
    "Read the worksheet aloud and asked a clarifying question.",
    "Engaged in the role-play, taking both parts.",
    "Described using the skill twice since the last group.",
    "Participated in the mindfulness exercise; reported it was hard to settle.",
)
RESPONSE = (
    "Identified one situation this week to use the skill.",
    "Rated distress 7/10 before the exercise and 4/10 after.",
    "Recognized an all-or-nothing thought and reframed it with help.",
    "Said the skill felt awkward but worth trying.",
    "Connected the topic to the goal in the treatment plan.",
    "Expressed doubt the skill would help; open to an experiment.",
    "Named two warning signs and one coping step.",
    "Reported feeling calmer by the end of group.",
)
PLAN = (
    "Practise the skill once daily and log it.",
    "Bring the completed worksheet to the next group.",
    "Discuss the sleep log with the primary therapist this week.",
    "Try opposite action once before the next session.",
    "Use the coping card when urges rise; review in group.",
    "Check in with the facilitator if distress stays above 6/10.",
    "Share the values exercise with a support person.",
    "Continue attending; review progress at the weekly team meeting.",
)
NARRATIVE = (
    "The facilitator reviewed homework, introduced the topic with a short demonstration "
    "and led paired practice, then a closing round on how members will use it this week."
)
DAP = (
    "Patient reports {a}. Mood described as {m}. Attended all groups this week.",
    "Engaged and goal-directed; progress toward the plan's objectives is {p}.",
    "Continue weekly individual sessions; practise {s}; review at the next session.",
)
BIRP = (
    "Presented {m}; reported {a}.",
    "Reviewed the week, practised {s} and set a between-session task.",
    "Receptive; identified one barrier and one support. Progress is {p}.",
    "Next session in one week; continue the current plan.",
)
FILL = {
    "a": ("better sleep on most nights", "two arguments at home", "cravings on the weekend"),
    "m": ("low but steadier", "anxious before work", "brighter than last week"),
    "p": ("steady", "slower than hoped", "good"),
    "s": ("paced breathing", "a thought record", "the DEAR MAN script"),
}


@dataclass(frozen=True, slots=True)
class NotesSummary:
    notes: tuple[tuple[str, int], ...]  # per state
    late_entries: int
    addenda: int
    trainee_login: tuple[str, str] | None  # created here when the roster has no trainee

    def highlight(self) -> tuple[str, str]:
        """The "Start here" line naming the notes pages."""
        who = (
            f" (trainee login {self.trainee_login[0]} / {self.trainee_login[1]})"
            if self.trainee_login
            else ""
        )
        return (
            "Group notes written once, unsigned notes and a co-sign",
            "Notes tab of an Adult IOP chart; /notes/unsigned/ as facilitator or therapist "
            f"(a trainee's note waits for the therapist's co-sign){who}",
        )


@dataclass
class _Writer:
    actor: Actor
    passwords: Mapping[str, str]
    rng: random.Random
    seed: int

    def sign(self, note: Note, by: User) -> Note:
        return services.note_sign(
            actor=self.actor, note=note, by=by, password=self.passwords[by.username]
        )


def build_notes(
    actor: Actor,
    programs: Mapping[str, Program],
    staff: Mapping[str, User],
    passwords: Mapping[str, str],
    *,
    seed: int,
) -> NotesSummary:
    """Seed the notes of the module docstring in the ADULT_IOP program of ``programs``.
    ``staff`` and ``passwords`` are by username ("therapist" and "director" are used; a
    "trainee" is created when missing). Audits through the services."""
    program = programs[ADULT_IOP]
    writer = _Writer(actor, passwords, random.Random(f"notes:{seed}"), seed)
    _group_notes(writer, program)
    signed = _individual_notes(writer, program)
    _corrections(writer, program, staff, signed)
    login = _trainee_note(writer, program, staff)
    return NotesSummary(
        notes=tuple(sorted(Counter(Note.objects.values_list("state", flat=True)).items())),
        late_entries=Note.objects.filter(late_entry=True).count(),
        addenda=Addendum.objects.count(),
        trainee_login=login,
    )


def _past(program: Program, kind: SessionKind) -> list[ScheduledSession]:
    """Sessions of ``kind`` that have ended and have someone checked in as attending, newest
    first."""
    attended = Attendance.objects.filter(session=OuterRef("pk"), status__in=ATTENDED)
    return list(
        ScheduledSession.objects.filter(
            Exists(attended),
            program=program,
            kind=kind,
            cancelled_at__isnull=True,
            ends_at__lte=clock.now(),
        )
        .select_related("program", "clinician", "cohort")
        .annotate(attended=Count("attendance", filter=Q(attendance__status__in=ATTENDED)))
        .order_by("-ends_at", "-pk")
    )


def _on_time(program: Program, session: ScheduledSession) -> bool:
    return clock.now() - session.ends_at <= dt.timedelta(hours=program.late_entry_hours)


def _distinct_days(sessions: list[ScheduledSession], count: int) -> list[ScheduledSession]:
    """The first ``count`` sessions on different service days (drafts of different ages)."""
    seen: set[dt.date] = set()
    picked: list[ScheduledSession] = []
    for session in sessions:
        day = service_date_of(session)
        if day not in seen and len(picked) < count:
            seen.add(day)
            picked.append(session)
    return picked


def _group_notes(writer: _Writer, program: Program) -> None:
    """The cohorts with the most attendances in groups inside the window (then in all past
    groups) get notes."""
    sessions = _past(program, SessionKind.GROUP)
    rank: Counter[tuple[int | None, bool]] = Counter()
    for s in sessions:
        rank[(s.cohort_id, _on_time(program, s))] += s.attended  # type: ignore[attr-defined]
    cohorts = sorted(
        {s.cohort_id for s in sessions},
        key=lambda c: (-rank[(c, True)], -rank[(c, False)], c or 0),
    )[:COHORTS]
    chosen = [s for s in sessions if s.cohort_id in cohorts]
    recent = [s for s in chosen if _on_time(program, s)][:MAX_SIGNED]
    older = [s for s in chosen if not _on_time(program, s)]
    if older:
        writer.sign(_write_group(writer, older[0]), older[0].clinician)  # a late entry
    late_day = service_date_of(older[0]) if older else None
    others = [s for s in older if service_date_of(s) != late_day]
    for session in _distinct_days(others, GROUP_DRAFTS):
        _write_group(writer, session, finished=False)
    for session in recent:
        writer.sign(_write_group(writer, session), session.clinician)


def _texts(rng: random.Random, count: int) -> list[dict[str, str]]:
    """``count`` distinct individualized parts (never cloned)."""
    combos = list(itertools.product(PARTICIPATION, RESPONSE, PLAN))
    return [
        {"participation": p, "response": r, "plan": pl}
        for p, r, pl in rng.sample(combos, min(count, len(combos)))
    ]


def _objective_ids(
    rng: random.Random, objectives: Mapping[int, Sequence[PlanObjective]], episode_id: int
) -> tuple[int, ...]:
    """One objective of the patient's plan, when the plan has any (the golden thread)."""
    choices = [o.pk for o in objectives.get(episode_id, [])]
    return (rng.choice(choices),) if choices else ()


def _write_group(writer: _Writer, session: ScheduledSession, *, finished: bool = True) -> Note:
    note = services.group_note_start(actor=writer.actor, session=session, author=session.clinician)
    entries = list(note.entries.order_by("pk"))
    objectives = objectives_by_episode(e.episode_id for e in entries)
    topic = writer.rng.choice(TOPICS)
    parts = _texts(writer.rng, len(entries))
    # An unfinished draft has its shared part and the first attendees written.
    written = entries if finished else entries[: max(1, len(entries) // 2)]
    return services.note_save_draft(
        actor=writer.actor,
        note=note,
        by=session.clinician,
        base_version=note.version,
        body={"topic": topic, "narrative": f"{topic}. {NARRATIVE}"},
        entries=[
            services.EntryInput(
                e.episode_id,
                objective_ids=_objective_ids(writer.rng, objectives, e.episode_id),
                **part,
            )
            for e, part in zip(written, parts, strict=False)
        ],
    )


def _fill(rng: random.Random, template: str) -> str:
    return template.format(**{k: rng.choice(v) for k, v in FILL.items()})


def _write_single(
    writer: _Writer,
    kind: NoteKind,
    author: User,
    episode: EpisodeOfCare,
    *,
    session: ScheduledSession | None = None,
    on: dt.date | None = None,
) -> Note:
    note = services.note_start(
        actor=writer.actor, kind=kind, author=author, episode=episode, session=session, on=on
    )
    keys = (
        ("data", "assessment", "plan")
        if kind == NoteKind.INDIVIDUAL_DAP
        else ("behavior", "intervention", "response", "plan")
    )
    templates = DAP if kind == NoteKind.INDIVIDUAL_DAP else BIRP
    objectives = objectives_by_episode([episode.pk])
    return services.note_save_draft(
        actor=writer.actor,
        note=note,
        by=author,
        base_version=note.version,
        body={k: _fill(writer.rng, t) for k, t in zip(keys, templates, strict=True)},
        entries=[
            services.EntryInput(
                episode.pk, objective_ids=_objective_ids(writer.rng, objectives, episode.pk)
            )
        ],
    )


def _individual_notes(writer: _Writer, program: Program) -> list[Note]:
    """Notes of past individual sessions, DAP and BIRP in turn: on-time ones signed, and
    two older ones of each clinician, on different days, kept as drafts. Returns the signed
    notes."""
    signed: list[Note] = []
    sessions = _past(program, SessionKind.INDIVIDUAL)
    recent = [s for s in sessions if _on_time(program, s)][:MAX_SIGNED]
    by_clinician: dict[int, list[ScheduledSession]] = {}
    for session in sessions:
        if not _on_time(program, session):
            by_clinician.setdefault(session.clinician_id, []).append(session)
    drafts = [s for group in by_clinician.values() for s in _distinct_days(group, 2)]
    for n, session in enumerate([*recent, *drafts]):
        episode = EpisodeOfCare.objects.get(session_participations__session=session)
        kind = NoteKind.INDIVIDUAL_DAP if n % 2 == 0 else NoteKind.INDIVIDUAL_BIRP
        note = _write_single(writer, kind, session.clinician, episode, session=session)
        if session in recent:
            signed.append(writer.sign(note, session.clinician))
    return signed


def _last_seen(episode: EpisodeOfCare) -> dt.date:
    """The patient's latest day of attended service (yesterday if none is recorded)."""
    last = (
        Attendance.objects.filter(episode=episode, status__in=ATTENDED)
        .order_by("-service_date")
        .values_list("service_date", flat=True)
        .first()
    )
    yesterday = clock.localdate(episode.program.zone) - dt.timedelta(days=1)
    return last or max(yesterday, episode.admitted_on or yesterday)


def _patient_of(program: Program, user: User) -> EpisodeOfCare | None:
    return (
        EpisodeOfCare.objects.filter(
            program=program, state=EpisodeState.ADMITTED, care_team__primary_therapist=user
        )
        .select_related("program")
        .order_by("pk")
        .first()
    )


def _corrections(
    writer: _Writer, program: Program, staff: Mapping[str, User], signed: list[Note]
) -> None:
    """One addendum (to the first signed note, else a signed group note) and one note
    entered in error by its author."""
    therapist = staff[SUPERVISOR]
    target = next(iter(signed), None) or (
        Note.objects.filter(program=program, state=NoteState.SIGNED).order_by("pk").first()
    )
    if target is not None:
        services.addendum_add(
            actor=writer.actor,
            note=target,
            by=therapist,
            password=writer.passwords[therapist.username],
            text="Phoned the patient the next day: following the plan, no new concerns.",
        )
    episode = _patient_of(program, therapist)
    if episode is None:
        return
    wrong = writer.sign(
        _write_single(writer, NoteKind.INDIVIDUAL_DAP, therapist, episode, on=_last_seen(episode)),
        therapist,
    )
    services.note_enter_in_error(
        actor=writer.actor,
        note=wrong,
        by=therapist,
        password=writer.passwords[therapist.username],
        reason="Written in the wrong patient's chart; rewritten in the right one.",
    )


def _trainee_note(
    writer: _Writer, program: Program, staff: Mapping[str, User]
) -> tuple[str, str] | None:
    """A trainee therapist supervised by the therapist signs a BIRP note, which then waits
    for the co-sign. Uses the roster's "trainee" if there is one, else creates it and returns
    its login."""
    supervisor = staff[SUPERVISOR]
    trainee = staff.get(TRAINEE)
    login = None
    passwords = dict(writer.passwords)
    if trainee is None:
        password = passphrase(random.Random(f"trainee:{writer.seed}"))
        trainee = staff_create(
            actor=writer.actor,
            username=TRAINEE,
            password=password,
            first_name="Noor",
            last_name="Haddad",
            credentials="MSW intern",
        )
        passwords[TRAINEE] = password
        login = (TRAINEE, password)
    membership_grant(
        actor=writer.actor,
        user=trainee,
        program=program,
        role=ProgramRole.THERAPIST,
        caseload_cap=_cap(trainee, program),
        supervisor=supervisor,
    )
    episode = _patient_of(program, supervisor)
    if episode is None:
        return login
    note = _write_single(writer, NoteKind.INDIVIDUAL_BIRP, trainee, episode, on=_last_seen(episode))
    services.note_sign(actor=writer.actor, note=note, by=trainee, password=passwords[TRAINEE])
    return login


def _cap(user: User, program: Program) -> int | None:
    """The trainee's existing caseload cap in the program (kept when supervision is set)."""
    current = Membership.objects.filter(
        user=user, program=program, role=ProgramRole.THERAPIST
    ).first()
    return current.caseload_cap if current else 4
