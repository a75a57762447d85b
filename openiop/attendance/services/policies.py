"""Attendance policies (program configuration) and the review items they raise.

The rule itself and its sources are in ``openiop.attendance.policy``. Evaluation runs inside
each attendance write: when an episode's matching records in a policy's window reach the
threshold and no review of that policy is open for the episode, one is opened.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import IntegrityError, transaction

from openiop.accounts.models import User
from openiop.attendance.errors import PolicyInvalid, ResolutionRequired, ReviewAlreadyResolved
from openiop.attendance.models import Attendance, AttendancePolicy, AttendanceReview
from openiop.attendance.policy import policy_problems, policy_window
from openiop.audit.models import DataCategory
from openiop.audit.services import Entry, audit_record, audit_record_many
from openiop.core import clock
from openiop.core.actor import Actor
from openiop.patients.models import EpisodeOfCare
from openiop.programs.models import Program


def _review_entry(
    action: str, review: AttendanceReview, program: Program, **detail: object
) -> Entry:
    return Entry(
        action=action,
        category=DataCategory.ATTENDANCE,
        patient_id=review.episode.patient_id,
        part2=program.is_part2,
        object_type="attendance_review",
        object_id=str(review.pk),
        detail={"episode_id": review.episode_id, "policy_id": review.policy_id, **detail},
    )


def _matching_counts(
    episode: EpisodeOfCare, policies: list[AttendancePolicy], today: dt.date
) -> dict[int, int]:
    """policy id → records of ``episode`` in its statuses within its window (one query)."""
    earliest = min(policy_window(p.window_days, today)[0] for p in policies)
    rows = list(
        Attendance.objects.filter(
            episode=episode, service_date__gte=earliest, service_date__lte=today
        ).values_list("status", "service_date")
    )
    counts: Counter[int] = Counter()
    for policy in policies:
        start, _ = policy_window(policy.window_days, today)
        counts[policy.pk] = sum(1 for s, d in rows if s in policy.statuses and d >= start)
    return counts


def policies_evaluate(
    *, actor: Actor, episode: EpisodeOfCare, program: Program
) -> list[AttendanceReview]:
    """Open a review for each active policy of ``program`` whose threshold ``episode`` now
    reaches and that has no open review for it. Called inside the attendance services'
    transaction; windows end on the program's local date today. Audits
    ATTENDANCE_REVIEW_RAISED per review opened."""
    policies = list(AttendancePolicy.objects.filter(program=program, is_active=True))
    if not policies:
        return []
    today = clock.localdate(program.zone)
    counts = _matching_counts(episode, policies, today)
    open_ids = set(
        AttendanceReview.objects.filter(episode=episode, resolved_at__isnull=True).values_list(
            "policy_id", flat=True
        )
    )
    raised = []
    for policy in policies:
        if counts[policy.pk] < policy.threshold or policy.pk in open_ids:
            continue
        start, end = policy_window(policy.window_days, today)
        review = AttendanceReview(
            episode=episode,
            policy=policy,
            count=counts[policy.pk],
            window_start=start,
            window_end=end,
            raised_at=clock.now(),
        )
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:
            continue  # a concurrent write opened it first: still exactly one open review
        raised.append(review)
    audit_record_many(
        actor=actor,
        entries=[
            _review_entry("ATTENDANCE_REVIEW_RAISED", r, program, count=r.count) for r in raised
        ],
    )
    return raised


@transaction.atomic
def attendance_review_resolve(
    *, actor: Actor, review: AttendanceReview, by: User, resolution: str
) -> AttendanceReview:
    """Close an open review with a note of what was decided. Raises ResolutionRequired for
    an empty note and ReviewAlreadyResolved. Audits ATTENDANCE_REVIEW_RESOLVED."""
    resolution = resolution.strip()
    if not resolution:
        raise ResolutionRequired("Write what was decided.", field="resolution")
    review = (
        AttendanceReview.objects.select_for_update(of=("self",))
        .select_related("episode__program")
        .get(pk=review.pk)
    )
    if review.resolved_at is not None:
        raise ReviewAlreadyResolved("This review was already resolved.")
    review.resolved_at, review.resolved_by, review.resolution = clock.now(), by, resolution
    review.full_clean()
    review.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    audit_record(
        actor=actor,
        entry=_review_entry("ATTENDANCE_REVIEW_RESOLVED", review, review.episode.program),
    )
    return review


def _policy_entry(action: str, policy: AttendancePolicy) -> Entry:
    return Entry(
        action=action,
        category=DataCategory.NONE,
        part2=policy.program.is_part2,
        object_type="attendance_policy",
        object_id=str(policy.pk),
        detail={
            "program_id": policy.program_id,
            "statuses": policy.statuses,
            "threshold": policy.threshold,
            "window_days": policy.window_days,
            "is_active": policy.is_active,
        },
    )


@transaction.atomic
def attendance_policy_set(
    *,
    actor: Actor,
    program: Program,
    name: str,
    statuses: list[str],
    threshold: int,
    window_days: int,
) -> AttendancePolicy:
    """Create the program's policy called ``name``, or update (and reactivate) the one that
    has that name. Raises PolicyInvalid (``policy_invalid``) with a plain message. Audits
    ATTENDANCE_POLICY_SET (configuration; no patient data)."""
    name = name.strip()
    statuses = sorted(set(statuses))
    problem = policy_problems(
        name=name, statuses=statuses, threshold=threshold, window_days=window_days
    )
    if problem:
        raise PolicyInvalid(problem)
    policy = AttendancePolicy.objects.select_for_update().filter(program=program, name=name).first()
    if policy is None:
        policy = AttendancePolicy(program=program, name=name)
    policy.statuses, policy.threshold = statuses, threshold
    policy.window_days, policy.is_active = window_days, True
    policy.full_clean()
    if policy.pk is None:
        policy.save()
    else:
        policy.save(update_fields=["statuses", "threshold", "window_days", "is_active"])
    audit_record(actor=actor, entry=_policy_entry("ATTENDANCE_POLICY_SET", policy))
    return policy


@transaction.atomic
def attendance_policy_deactivate(*, actor: Actor, policy: AttendancePolicy) -> AttendancePolicy:
    """Stop a policy from raising new reviews (open reviews stay open until resolved).
    Raises PolicyInvalid when it is already inactive. Audits ATTENDANCE_POLICY_DEACTIVATED."""
    policy = (
        AttendancePolicy.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=policy.pk)
    )
    if not policy.is_active:
        raise PolicyInvalid("That policy is already inactive.")
    policy.is_active = False
    policy.save(update_fields=["is_active"])
    audit_record(actor=actor, entry=_policy_entry("ATTENDANCE_POLICY_DEACTIVATED", policy))
    return policy
