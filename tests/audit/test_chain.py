import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from openiop.audit import triggers
from openiop.audit.models import AppendOnlyError, AuditEvent, DataCategory
from openiop.audit.selectors import audit_chain_verify
from openiop.audit.services import Entry, audit_record, audit_record_many
from openiop.core.actor import Actor

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")


def _record(n: int) -> list[AuditEvent]:
    return audit_record_many(
        actor=ACTOR,
        entries=[
            Entry(action="THING_DONE", category=DataCategory.NONE, detail={"i": i})
            for i in range(n)
        ],
    )


def _behind_the_apps_back(sql: str, params: list[int]) -> None:
    """Edit the table as a database superuser would: drop the triggers, write, restore them."""
    triggers.drop(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    triggers.install(connection)


def test_events_chain_from_genesis_with_gap_free_sequence():
    events = _record(3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == "0" * 64
    assert events[1].prev_hash == events[0].row_hash
    report = audit_chain_verify()
    assert report.ok, report.problems
    assert (report.events, report.head_seq, report.head_hash) == (3, 3, events[2].row_hash)


def test_orm_cannot_change_or_delete_an_event():
    event = audit_record(actor=ACTOR, entry=Entry(action="THING_DONE", category=DataCategory.NONE))
    event.action = "OTHER"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'X'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_database_triggers_refuse_raw_update_and_delete(sql):
    _record(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.filter(action="THING_DONE").count() == 1


def test_queryset_update_and_delete_are_refused_by_the_database():
    _record(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().update(action="X")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all()._raw_delete(connection.alias)


def test_verify_names_the_first_altered_row():
    _record(5)
    _behind_the_apps_back("UPDATE audit_auditevent SET actor_label = 'mallory' WHERE seq = 3", [])
    report = audit_chain_verify()
    assert not report.ok
    assert report.problems[0] == "#3: contents do not match its hash (row altered)"


def test_verify_detects_a_deleted_middle_row():
    _record(5)
    _behind_the_apps_back("DELETE FROM audit_auditevent WHERE seq = 2", [])
    problems = audit_chain_verify().problems
    assert "sequence gap: expected #2, found #3" in problems
    assert "#3: does not link to the row before it" in problems


def test_expected_head_detects_rows_cut_from_the_end():
    events = _record(5)
    head = (events[-1].seq, events[-1].row_hash)
    assert audit_chain_verify(expected_head=head).ok
    _behind_the_apps_back("DELETE FROM audit_auditevent WHERE seq > 3", [])
    report = audit_chain_verify(expected_head=head)
    assert not report.ok
    assert "exported head #5 is missing or changed" in report.problems[0]


def test_verify_reports_missing_triggers():
    _record(1)
    triggers.drop(connection)
    try:
        report = audit_chain_verify()
    finally:
        triggers.install(connection)
    assert not report.ok
    assert report.problems[0].startswith("append-only triggers missing")


def test_cli_verify_passes_then_fails_after_tampering(capsys):
    _record(3)
    call_command("audit", "verify")
    assert "OK: 3 audit events" in capsys.readouterr().out
    _behind_the_apps_back("UPDATE audit_auditevent SET patient_id = 99 WHERE seq = 1", [])
    with pytest.raises(CommandError, match="verification FAILED"):
        call_command("audit", "verify")


def test_cli_head_and_bad_expect_head(capsys):
    events = _record(2)
    call_command("audit", "head")
    assert capsys.readouterr().out.strip() == f"2:{events[-1].row_hash}"
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify", "--expect-head", "nonsense")
    assert excinfo.value.returncode == 2
