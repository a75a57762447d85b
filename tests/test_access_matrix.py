"""Role × URL permission matrix, and program isolation on every patient URL (R10, R11)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from openiop.accounts.roles import OrgRole, ProgramRole
from openiop.audit.models import AuditEvent
from openiop.core.checks import iter_url_views
from openiop.patients.models import EpisodeOfCare, Patient
from tests.factories import login, patient, program_setup, staff
from tests.pages import comparable

pytestmark = pytest.mark.django_db

R = ProgramRole
PROGRAM_ROLES = list(ProgramRole)
ALL = [*PROGRAM_ROLES, OrgRole.AUDITOR, OrgRole.SYSTEM_ADMIN]


@dataclass(frozen=True)
class Route:
    name: str
    method: str = "get"
    data: tuple[tuple[str, str], ...] = ()


ROUTES = {
    "dashboard": Route("dashboard:today"),
    "patient_list": Route("patients:list"),
    "patient_register": Route("patients:register"),
    "chart": Route("patients:chart"),
    "contacts": Route("patients:contacts"),
    "contact_add": Route(
        "patients:contact_add", "post", (("name", "Kim"), ("relationship", "sister"))
    ),
    "waitlist": Route("patients:episode_transition", "post"),
    "care_team": Route("patients:care_team_assign", "post"),
    "audit_report": Route("audit:report"),
    "audit_export": Route("audit:export"),
    "admin": Route("admin:index"),
}

# The checked-in policy: who gets what. Any change here must be reviewed.
READERS = set(PROGRAM_ROLES)
EXPECTED: dict[str, dict[object, int]] = {
    "dashboard": {r: 200 for r in READERS},
    "patient_list": {r: 200 for r in READERS},
    "patient_register": {R.PROGRAM_DIRECTOR: 200, R.INTAKE_COORDINATOR: 200},
    "chart": {r: 200 for r in READERS},
    "contacts": {r: 200 for r in READERS},
    "contact_add": {R.PROGRAM_DIRECTOR: 302, R.INTAKE_COORDINATOR: 302, R.CASE_MANAGER: 302},
    "waitlist": {R.PROGRAM_DIRECTOR: 302, R.INTAKE_COORDINATOR: 302},
    "care_team": {R.PROGRAM_DIRECTOR: 302, R.CASE_MANAGER: 302},
    "audit_report": {OrgRole.AUDITOR: 200},
    "audit_export": {OrgRole.AUDITOR: 200},
    "admin": {OrgRole.SYSTEM_ADMIN: 200},
}


def _user_for(role, program):
    if isinstance(role, ProgramRole):
        return staff(role, program)
    return staff(org_role=role)


def _url(route: Route, p: Patient, episode: EpisodeOfCare) -> str:
    kwargs: dict[str, object] = {}
    if route.name.startswith("patients:") and route.name not in {
        "patients:list",
        "patients:register",
    }:
        kwargs["patient_id"] = p.pk
    if route.name == "patients:episode_transition":
        kwargs.update(episode_id=episode.pk, transition="waitlist")
    if route.name == "patients:care_team_assign":
        kwargs.update(episode_id=episode.pk, seat="primary_therapist")
    return reverse(route.name, kwargs=kwargs)


@pytest.mark.parametrize("role", ALL, ids=str)
@pytest.mark.parametrize("route_key", list(ROUTES))
def test_role_url_matrix(client, role, route_key):
    ps = program_setup()
    p = patient(ps.program)
    episode = p.episodes.get()
    user = _user_for(role, ps.program)
    login(client, user)
    route = ROUTES[route_key]
    url = _url(route, p, episode)
    response = getattr(client, route.method)(url, dict(route.data))
    assert response.status_code == EXPECTED[route_key].get(role, 403)


def test_matrix_covers_every_url_in_the_project():
    covered = {route.name for route in ROUTES.values()} | {
        "home",
        "health",
        "accounts:login",
        "accounts:logout",
        "accounts:mfa_verify",
        "accounts:mfa_setup",
    }
    named = set()
    for _route, namespace, pattern in iter_url_views():
        if namespace == "admin" or not pattern.name:
            continue
        named.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    assert named - covered == set(), "add new URLs to the permission matrix"


def test_anonymous_is_sent_to_login_everywhere_but_public_pages(client):
    ps = program_setup()
    p = patient(ps.program)
    for route in ROUTES.values():
        url = _url(route, p, p.episodes.get())
        response = getattr(client, route.method)(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"]
    assert client.get(reverse("health")).status_code == 200


def _patient_urls(p: Patient, episode: EpisodeOfCare) -> list[tuple[str, str]]:
    """Every URL in the project that names a patient, with its method, from the URLconf."""
    urls = []
    for _route, namespace, pattern in iter_url_views():
        params = set(pattern.pattern.converters)
        if "patient_id" not in params:
            continue
        kwargs: dict[str, object] = {"patient_id": p.pk}
        if "episode_id" in params:
            kwargs["episode_id"] = episode.pk
        if "transition" in params:
            kwargs["transition"] = "admit"
        if "seat" in params:
            kwargs["seat"] = "primary_therapist"
        url = reverse(f"{namespace}:{pattern.name}", kwargs=kwargs)
        urls.append((url, "post" if "/episodes/" in url or url.endswith("/add/") else "get"))
    assert len(urls) >= 5
    return urls


def test_another_programs_therapist_gets_404_on_every_patient_url(client):
    home, other = program_setup("Home IOP"), program_setup("Other IOP")
    outsider_patient = patient(other.program)
    login(client, staff(R.THERAPIST, home.program))
    for url, method in _patient_urls(outsider_patient, outsider_patient.episodes.get()):
        if method == "get":
            assert client.get(url).status_code == 404, url
        else:  # writes a therapist may not make anywhere are refused before any lookup
            assert client.post(url).status_code in {403, 404}, url


def test_another_programs_director_gets_404_on_every_patient_url_and_changes_nothing(client):
    home, other = program_setup("Home IOP"), program_setup("Other IOP")
    outsider_patient = patient(other.program)
    episode = outsider_patient.episodes.get()
    login(client, staff(R.PROGRAM_DIRECTOR, home.program))
    for url, method in _patient_urls(outsider_patient, episode):
        response = getattr(client, method)(
            url, {"name": "x", "relationship": "y", "track": "", "primary_therapist-member": ""}
        )
        assert response.status_code == 404, url
    episode.refresh_from_db()
    assert episode.state == "referred"
    assert not outsider_patient.contacts.exists()
    denied = AuditEvent.objects.filter(outcome="denied")
    assert denied.count() >= 5
    assert not denied.exclude(patient_id=None).exists()  # a refusal never names the patient


def test_missing_and_not_yours_look_the_same(client):
    home, other = program_setup("Home IOP"), program_setup("Other IOP")
    theirs = patient(other.program)
    login(client, staff(R.THERAPIST, home.program))
    not_yours = client.get(reverse("patients:chart", args=[theirs.pk]))
    missing = client.get(reverse("patients:chart", args=[theirs.pk + 1000]))
    assert not_yours.status_code == missing.status_code == 404
    assert comparable(not_yours.content) == comparable(missing.content)


@pytest.mark.parametrize(
    "path",
    [
        "/patients/abc/",
        "/patients/0/",
        "/patients/-1/",
        f"/patients/{2**64}/",
        "/patients/1%00/",
        "/patients/1 OR 1=1/",
    ],
)
def test_malformed_patient_ids_are_a_plain_404(client, path):
    ps = program_setup()
    login(client, staff(R.THERAPIST, ps.program))
    assert client.get(path).status_code == 404


def test_mismatched_parent_and_child_ids_are_a_404(client):
    ps = program_setup()
    mine, other_of_mine = patient(ps.program), patient(ps.program)
    login(client, staff(R.PROGRAM_DIRECTOR, ps.program))
    url = reverse(
        "patients:episode_transition", args=[mine.pk, other_of_mine.episodes.get().pk, "waitlist"]
    )
    assert client.post(url).status_code == 404
    assert other_of_mine.episodes.get().state == "referred"


def test_revoked_membership_takes_effect_on_the_next_request(client):
    from openiop.accounts.services import membership_revoke
    from tests.factories import SYSTEM

    ps = program_setup()
    p = patient(ps.program)
    user = staff(R.THERAPIST, ps.program)
    login(client, user)
    assert client.get(reverse("patients:chart", args=[p.pk])).status_code == 200
    membership_revoke(actor=SYSTEM, membership=user.memberships.get())
    assert client.get(reverse("patients:chart", args=[p.pk])).status_code == 403


def test_portal_patients_cannot_reach_staff_pages(client):
    from openiop.accounts.models import User

    ps = program_setup()
    p = patient(ps.program)
    portal = User.objects.create_user(
        username="portal-user", password="a long portal passphrase", principal="patient"
    )
    login(client, portal)
    assert client.get(reverse("patients:chart", args=[p.pk])).status_code == 403
    assert client.get(reverse("patients:list")).status_code == 403
