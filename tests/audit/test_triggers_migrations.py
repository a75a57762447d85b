"""The append-only triggers must survive every migration (security.md R19/R37).

SQLite drops a table's triggers whenever Django rebuilds the table for an ALTER, so a later
migration of the audit app could silently remove them. This test unapplies everything and
re-applies the project's migrations one at a time, checking the triggers after each step
once the trigger migration has run.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from openiop.audit import triggers

TRIGGER_MIGRATION = ("audit", "0002_append_only_triggers")
OPENIOP_APPS = ("audit", "programs", "accounts", "patients")


@pytest.mark.django_db(transaction=True)
def test_triggers_survive_every_migration():
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    plan = executor.migration_plan(targets, clean_start=True)
    # Unapply OpenIOP's own apps (and whatever depends on them); some third-party
    # migrations are irreversible, and they never touch the audit table.
    executor.migrate([(app, None) for app in OPENIOP_APPS])
    still_applied = MigrationExecutor(connection).loader.applied_migrations
    plan = [step for step in plan if (step[0].app_label, step[0].name) not in still_applied]

    installed_at = None
    for migration, _backwards in plan:
        key = (migration.app_label, migration.name)
        executor = MigrationExecutor(connection)
        assert key not in executor.loader.applied_migrations
        executor.migrate([key])
        if key == TRIGGER_MIGRATION:
            installed_at = key
        if installed_at:
            missing = triggers.expected(connection) - triggers.installed(connection)
            assert not missing, f"after {key} the triggers {missing} are gone"
    assert installed_at == TRIGGER_MIGRATION
