"""Database triggers that make the audit table append-only on SQLite and PostgreSQL.

SQLite drops a table's triggers when Django's schema editor rebuilds the table, so a later
migration could silently remove them. ``tests/audit/test_triggers_migrations.py`` migrates step by step
and checks after every migration that they are still installed (security.md R19, R37).
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
SQLITE_TRIGGERS = ("audit_event_no_update", "audit_event_no_delete")
POSTGRES_TRIGGERS = ("audit_event_no_update_delete", "audit_event_no_truncate")

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
_SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]

_POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION openiop_audit_append_only() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$""",
    f"""CREATE OR REPLACE TRIGGER audit_event_no_update_delete
        BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION openiop_audit_append_only()""",
    f"""CREATE OR REPLACE TRIGGER audit_event_no_truncate
        BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION openiop_audit_append_only()""",
]
_POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_event_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS openiop_audit_append_only()",
]


def _statements(connection: BaseDatabaseWrapper, *, install: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_DROP
    if connection.vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_DROP
    raise NotImplementedError(f"No append-only triggers written for {connection.vendor}.")


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=True):
            cursor.execute(sql)


def drop(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=False):
            cursor.execute(sql)


def installed(connection: BaseDatabaseWrapper) -> set[str]:
    """Names of the append-only triggers currently present on the audit table."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
        return {row[0] for row in cursor.fetchall()}


def expected(connection: BaseDatabaseWrapper) -> set[str]:
    return set(SQLITE_TRIGGERS if connection.vendor == "sqlite" else POSTGRES_TRIGGERS)
