"""Write a plan into the benchmark database: the ORM's ``bulk_create`` for the few hundred
rows of organization, staff and schedules, PostgreSQL COPY for cohorts, patients, episodes,
care teams and responses.

This bypasses the write services on purpose: the database is a throwaway and the audit trail
would only double the volume without touching what the outcomes report reads. No audit rows
are written; nothing here updates or deletes, so the append-only audit trigger is not involved.
Every primary key comes from the plan, so the identity sequences are moved past them at the end.
Imports Django models: import this module only after ``django.setup()``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import psycopg
from django.core.management.color import no_style
from django.db import connection, models
from psycopg import sql

from bench import layout
from bench.plan import Plan
from bench.responses import COLUMNS, Row
from openiop.accounts.models import Membership, User
from openiop.measures.models import MeasureResponse, ScheduleEntry
from openiop.patients.models import CareTeam, EpisodeOfCare, MrnSequence, Patient
from openiop.programs.models import Cohort, Organization, Program, Site, Track

MODELS: tuple[type[models.Model], ...] = (
    Organization, Site, Program, Track, Cohort, ScheduleEntry, User, Membership, Patient,
    EpisodeOfCare, CareTeam, MeasureResponse,
)  # fmt: skip


def _structure(plan: Plan) -> None:
    Organization.objects.bulk_create([Organization(pk=1, name=layout.ORGANIZATION)])
    Site.objects.bulk_create(
        Site(pk=pk, organization_id=1, name=name, address=address)
        for pk, (name, address) in enumerate(layout.SITES, start=1)
    )
    Program.objects.bulk_create(
        Program(
            pk=p.pk,
            site_id=p.site_pk,
            name=p.spec.name,
            level_of_care=p.spec.level_of_care,
            time_zone=p.spec.time_zone,
            min_weekly_hours=p.spec.hours[0],
            max_weekly_hours=p.spec.hours[1],
            is_part2=p.spec.is_part2,
        )
        for p in plan.programs
    )
    Track.objects.bulk_create(
        Track(
            pk=t.pk,
            program_id=t.program_pk,
            name=t.spec.name,
            weekdays=list(t.spec.weekdays),
            starts_at=t.spec.starts_at,
            ends_at=t.spec.ends_at,
        )
        for p in plan.programs
        for t in p.tracks
    )
    ScheduleEntry.objects.bulk_create(
        ScheduleEntry(program_id=p.pk, instrument=instrument, timepoint=timepoint)
        for p in plan.programs
        for instrument, timepoint in p.spec.schedule
    )


def _staff(plan: Plan) -> None:
    users = []
    for s in plan.staff:
        user = User(
            pk=s.pk,
            username=f"staff{s.pk:04d}",
            first_name=s.given,
            last_name=s.family,
            email=f"staff{s.pk:04d}@cedar-ridge.example",
            credentials=s.credentials,
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        Membership(user_id=s.pk, program_id=program_pk, role=s.role)
        for s in plan.staff
        for program_pk in s.program_pks
    )


def _copy(
    cursor: psycopg.Cursor[Any],
    model: type[models.Model],
    fields: Iterable[str],
    rows: Iterable[Row],
) -> int:
    by_attname = {f.attname: f.column or f.attname for f in model._meta.concrete_fields}
    columns = [sql.Identifier(by_attname[name]) for name in fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(columns)
    )
    count = 0
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _people(cursor: psycopg.Cursor[Any], plan: Plan) -> None:
    _copy(
        cursor,
        Cohort,
        ("id", "track_id", "name", "started_on", "min_size", "max_size", "enrollment"),
        ((c.pk, c.track_pk, c.name, c.started_on, 6, 12, "rolling") for c in plan.cohorts),
    )
    _copy(
        cursor,
        Patient,
        ("id", "mrn", "legal_given_name", "legal_family_name", "preferred_name", "pronouns",
         "date_of_birth", "language", "phone", "email", "name_key", "created_at"),
        ((p.pk, p.mrn, p.given, p.family, p.preferred, p.pronouns, p.date_of_birth,
          p.language, "", "", p.name_key, p.created_at) for p in plan.patients),
    )  # fmt: skip
    _copy(
        cursor,
        EpisodeOfCare,
        ("id", "patient_id", "program_id", "track_id", "cohort_id", "level_of_care", "state",
         "phase", "referred_on", "waitlisted_on", "admitted_on", "phase_since",
         "discharged_on", "discharge_reason"),
        ((e.pk, e.patient, e.program.pk, e.track_pk, e.cohort_pk,
          e.program.spec.level_of_care, e.state, e.phase[0], e.referred_on,
          e.waitlisted_on, e.admitted_on, e.phase[1], e.discharged_on, e.reason)
         for e in plan.episodes),
    )  # fmt: skip
    _copy(
        cursor,
        CareTeam,
        ("id", "episode_id", "primary_therapist_id", "prescriber_id", "case_manager_id"),
        ((e.pk, e.pk, e.therapist, e.prescriber, e.case_manager)
         for e in plan.episodes if e.admitted_on is not None),
    )  # fmt: skip


def load(plan: Plan, responses: Iterable[Row], database_url: str) -> dict[str, float]:
    """Write everything; return seconds per step. Raises psycopg errors on any constraint
    the plan violates (which would be a bug in the plan)."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    _structure(plan)
    _staff(plan)
    MrnSequence.objects.update_or_create(pk=1, defaults={"last": len(plan.patients)})
    seconds["organization_and_staff"] = time.perf_counter() - started
    with psycopg.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        started = time.perf_counter()
        _people(cursor, plan)
        conn.commit()
        seconds["cohorts_patients_episodes"] = time.perf_counter() - started
        started = time.perf_counter()
        _copy(cursor, MeasureResponse, COLUMNS, responses)
        conn.commit()
        seconds["responses_generate_and_copy"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor_:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(MODELS)):
            cursor_.execute(statement)
    seconds["sequences"] = time.perf_counter() - started
    return seconds


def vacuum_analyze(database_url: str) -> float:
    """VACUUM (ANALYZE) the whole database: fresh planner statistics, and the visibility map
    and hint bits autovacuum would have set on a table that grew over years."""
    started = time.perf_counter()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - started
