"""Who reaches each meeting URL, as the project's access matrix will check it (the rows to
add to tests/test_access_matrix.py): CARE_MEETING roles reach the meeting pages (a meeting,
item or task that does not exist is a 404), every other role gets 403; every program role
reads the chart's care-team tab."""

import pytest
from django.urls import reverse

from openiop.accounts.roles import OrgRole, ProgramRole
from tests.factories import login, patient, program_setup, staff

pytestmark = pytest.mark.django_db

R = ProgramRole
MEETING_ROLES = {R.PROGRAM_DIRECTOR, R.THERAPIST, R.GROUP_FACILITATOR, R.PRESCRIBER, R.CASE_MANAGER}
ALL = [*ProgramRole, OrgRole.AUDITOR, OrgRole.SYSTEM_ADMIN]
MISSING = 999999
ROUTES: dict[str, tuple[str, dict[str, int | None], int]] = {
    "list": ("get", {}, 200),
    "my_tasks": ("get", {}, 200),
    "open": ("post", {"program_id": None}, 302),
    "workspace": ("get", {"meeting_id": MISSING}, 404),
    "rebuild": ("post", {"meeting_id": MISSING}, 404),
    "close": ("post", {"meeting_id": MISSING}, 404),
    "print": ("get", {"meeting_id": MISSING}, 404),
    "print_pdf": ("get", {"meeting_id": MISSING}, 404),
    "item_add": ("post", {"meeting_id": MISSING}, 404),
    "discussion": ("post", {"meeting_id": MISSING, "item_id": MISSING}, 404),
    "discussed": ("post", {"meeting_id": MISSING, "item_id": MISSING}, 404),
    "decision_add": ("post", {"meeting_id": MISSING, "item_id": MISSING}, 404),
    "task_add": ("post", {"meeting_id": MISSING, "item_id": MISSING}, 404),
    "task_done": ("post", {"meeting_id": MISSING, "task_id": MISSING}, 404),
}


def _user(role, program):
    if isinstance(role, ProgramRole):
        return staff(role, program)
    return staff(org_role=role)


@pytest.mark.parametrize("role", ALL, ids=str)
def test_role_by_url(client, role):
    ps = program_setup()
    person = patient(ps.program)
    login(client, _user(role, ps.program))

    for name, (method, kwargs, allowed) in ROUTES.items():
        params = {k: ps.program.pk if v is None else v for k, v in kwargs.items()}
        response = getattr(client, method)(reverse(f"care_meetings:{name}", kwargs=params))
        expected = allowed if role in MEETING_ROLES else 403
        assert response.status_code == expected, name
    chart = client.get(reverse("care_meetings:chart", kwargs={"patient_id": person.pk}))
    assert chart.status_code == (200 if isinstance(role, ProgramRole) else 403)
