import csv
import io

import pytest
from django.urls import reverse

from openiop.accounts.roles import OrgRole, ProgramRole
from openiop.audit.models import AuditEvent, DataCategory
from openiop.audit.selectors import SORTABLE_COLUMNS, AuditFilter, audit_event_list
from openiop.audit.services import Entry, audit_record_many
from openiop.core.actor import Actor, ActorKind
from openiop.core.spreadsheets import neutralize
from tests.factories import login, staff

pytestmark = pytest.mark.django_db


def _auditor(client):
    user = staff(org_role=OrgRole.AUDITOR)
    login(client, user)
    return user


def _seed(n: int, label: str = "someone") -> None:
    actor = Actor(kind=ActorKind.USER, user_id=5, label=label, request_id="r1", ip="10.0.0.1")
    audit_record_many(
        actor=actor,
        entries=[
            Entry(
                action="PATIENT_VIEWED" if i % 2 else "PATIENT_LISTED",
                category=DataCategory.DEMOGRAPHICS,
                patient_id=i % 7 + 1,
                part2=i % 5 == 0,
            )
            for i in range(n)
        ],
    )


def test_filters_count_exactly():
    _seed(1000)
    assert audit_event_list(filters=AuditFilter(action="PATIENT_VIEWED")).count() == 500
    assert audit_event_list(filters=AuditFilter(patient_id=3)).count() == len(
        [i for i in range(1000) if i % 7 + 1 == 3]
    )
    assert audit_event_list(filters=AuditFilter(part2_only=True)).count() == 200


@pytest.mark.parametrize("column", SORTABLE_COLUMNS)
def test_every_column_sorts_both_ways(column):
    _seed(30)
    ascending = list(
        audit_event_list(filters=AuditFilter(sort=column)).values_list(column, flat=True)
    )
    descending = list(
        audit_event_list(filters=AuditFilter(sort=f"-{column}")).values_list(column, flat=True)
    )
    assert ascending == sorted(ascending, key=lambda v: (v is None, v))
    assert descending == sorted(descending, key=lambda v: (v is None, v), reverse=True)


def test_unknown_sort_is_refused_not_passed_to_sql():
    with pytest.raises(ValueError, match="cannot sort"):
        audit_event_list(filters=AuditFilter(sort="actor__password"))


def test_report_page_is_audited_and_uses_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    _auditor(client)
    _seed(200)
    with django_assert_max_num_queries(15):
        response = client.get(
            reverse("audit:report"), {"action": "PATIENT_VIEWED", "sort": "-occurred_at"}
        )
    assert response.status_code == 200
    viewed = AuditEvent.objects.filter(action="AUDIT_REPORT_VIEWED").get()
    assert viewed.detail["action"] == "PATIENT_VIEWED"


def test_bad_filters_get_form_errors_not_a_500(client):
    _auditor(client)
    response = client.get(
        reverse("audit:report"), {"patient": "1 OR 1=1", "start": "2026-13-45", "sort": "password"}
    )
    assert response.status_code == 200
    export = client.get(reverse("audit:export"), {"patient": "abc"})
    assert export.status_code == 400


def test_csv_export_neutralizes_formulas(client):
    _auditor(client)
    _seed(3, label='=HYPERLINK("http://evil")')
    response = client.get(reverse("audit:export"), {"actor": '=HYPERLINK("http://evil")'})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "seq"
    assert len(rows) == 4
    assert all(row[4].startswith("'=") for row in rows[1:])
    assert AuditEvent.objects.filter(action="AUDIT_REPORT_EXPORTED").exists()


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("plain", "plain"),
        (None, ""),
    ],
)
def test_neutralize(raw, safe):
    assert neutralize(raw) == safe


def test_clinicians_cannot_read_the_audit_trail(client):
    from tests.factories import program_setup

    ps = program_setup()
    login(client, staff(ProgramRole.PROGRAM_DIRECTOR, ps.program))
    assert client.get(reverse("audit:report")).status_code == 403
    assert AuditEvent.objects.filter(action="ACCESS_DENIED", outcome="denied").exists()
