"""Role × URL permission matrix, and program isolation on every patient URL (R10, R11)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import resolve, reverse

from openiop.accounts.roles import PROGRAM_ROLE_CAPABILITIES, OrgRole, ProgramRole
from openiop.audit.models import AuditEvent
from openiop.core.checks import iter_url_views
from openiop.core.policy import policy_of
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
    "measures_chart": Route("measures:chart"),
    "measures_fhir": Route("measures:fhir"),
    "link_create": Route("measures:link_create", "post"),
    "kiosk_start": Route("measures:kiosk_start", "post"),
    "paper": Route("measures:paper"),
    "alert_acknowledge": Route(
        "measures:alert_acknowledge", "post", (("action_taken", "Called the patient."),)
    ),
    "measures_due": Route("measures:due"),
    "outcomes": Route("measures:outcomes"),
    "outcomes_csv": Route("measures:outcomes_csv"),
    "outcomes_pdf": Route("measures:outcomes_pdf"),
    "api_instruments": Route("api:instrument_list"),
    "api_scores": Route("api:score_list"),
    "api_fhir": Route("api:fhir_export"),
    "audit_report": Route("audit:report"),
    "audit_export": Route("audit:export"),
    "admin": Route("admin:index"),
    "program_week": Route("calendars:program_week"),
    "clinician_week": Route("calendars:clinician_week"),
    "own_feed_create": Route("calendars:own_feed_create", "post"),
    "own_feed_revoke": Route("calendars:own_feed_revoke", "post"),
    "patient_week": Route("calendars:patient_week"),
    "patient_feed_create": Route("calendars:patient_feed_create", "post"),
    "patient_feed_revoke": Route("calendars:patient_feed_revoke", "post"),
    "schedule_home": Route("scheduling:home"),
    "schedule_program": Route("scheduling:program"),
    "schedule_plan_next_week": Route("scheduling:plan_next_week", "post"),
    "schedule_replan": Route("scheduling:replan", "post"),
    "schedule_plan": Route("scheduling:plan"),
    "schedule_plan_progress": Route("scheduling:plan_progress"),
    "schedule_plan_approve": Route("scheduling:plan_approve", "post"),
    "schedule_plan_discard": Route("scheduling:plan_discard", "post"),
    "schedule_cohorts": Route("scheduling:cohorts"),
    "schedule_inputs": Route("scheduling:inputs"),
    "schedule_staff_availability": Route("scheduling:staff_availability"),
    "schedule_session_create": Route("scheduling:session_create"),
    "schedule_patient_inputs": Route("scheduling:patient_inputs"),
    "insurance_chart": Route("billing:chart"),
    "insurance_estimate": Route("billing:estimate"),
    "authorization_alerts": Route("billing:authorization_alerts"),
    "coverage_add": Route("billing:coverage_add", "post"),
    "coverage_update": Route("billing:coverage_update", "post"),
    "coverage_end": Route("billing:coverage_end", "post"),
    "benefits_verify": Route("billing:benefits_verify", "post"),
    "authorization_request": Route("billing:authorization_request", "post"),
    "authorization_approve": Route("billing:authorization_approve", "post"),
    "authorization_deny": Route("billing:authorization_deny", "post"),
    "fee_determine": Route("billing:fee_determine", "post"),
    "payment_plan_create": Route("billing:payment_plan_create", "post"),
    "payment_plan_cancel": Route("billing:payment_plan_cancel", "post"),
    "installment_paid": Route("billing:installment_paid", "post"),
    "fees_home": Route("billing:fees_home"),
    "fee_settings": Route("billing:fee_settings"),
    "charges_set": Route("billing:charges_set", "post"),
    "scale_set": Route("billing:scale_set", "post"),
    "admissions_board": Route("admissions:board"),
    "referral_new": Route("admissions:referral_new"),
    "referral_import": Route("admissions:referral_import"),
    "referral_import_rejected": Route("admissions:referral_import_rejected", "post"),
    "referral": Route("admissions:referral"),
    "referral_advance": Route("admissions:referral_advance", "post"),
    "referral_close": Route("admissions:referral_close", "post"),
    "waitlist_add": Route("admissions:waitlist_add", "post"),
    "waitlist_decline": Route("admissions:waitlist_decline", "post"),
    "waitlist_remove": Route("admissions:waitlist_remove", "post"),
    "waitlist_offer": Route("admissions:waitlist_offer", "post"),
    "intake_assessment": Route("admissions:assessment"),
    "intake_placement": Route("admissions:placement"),
    "intake_admit": Route("admissions:admit"),
    "welcome_packet": Route("admissions:welcome_packet"),
    "weekly_hours": Route("dashboard:weekly_hours"),
    "dashboard_flag": Route("dashboard:flag"),
    "payer_minimums": Route("billing:payer_minimums"),
    "payer_minimum_set": Route("billing:payer_minimums", "post"),
    "payer_minimum_remove": Route("billing:payer_minimum_remove", "post"),
    "medications_chart": Route("medications:chart"),
    "medication_start": Route("medications:start", "post"),
    "medication_change": Route("medications:change", "post"),
    "medication_stop": Route("medications:stop", "post"),
    "drug_screen_record": Route("medications:screen_record", "post"),
    "medication_watches": Route("medications:watches"),
    "medication_watch_seen": Route("medications:watch_seen", "post"),
    "meetings": Route("care_meetings:list"),
    "meeting_tasks": Route("care_meetings:my_tasks"),
    "meeting_open": Route("care_meetings:open", "post"),
    "meeting_workspace": Route("care_meetings:workspace"),
    "meeting_print": Route("care_meetings:print"),
    "meeting_print_pdf": Route("care_meetings:print_pdf"),
    "meeting_rebuild": Route("care_meetings:rebuild", "post"),
    "meeting_close": Route("care_meetings:close", "post"),
    "meeting_item_add": Route("care_meetings:item_add", "post"),
    "meeting_discussion": Route("care_meetings:discussion", "post"),
    "meeting_discussed": Route("care_meetings:discussed", "post"),
    "meeting_decision_add": Route("care_meetings:decision_add", "post"),
    "meeting_task_add": Route("care_meetings:task_add", "post"),
    "meeting_task_done": Route("care_meetings:task_done", "post"),
    "care_decisions_chart": Route("care_meetings:chart"),
    "attendance_roster": Route("attendance:roster"),
    "attendance_mark": Route("attendance:mark", "post"),
    "attendance_correct": Route("attendance:correct", "post"),
    "attendance_chart": Route("attendance:chart"),
    "attendance_review_resolve": Route("attendance:review_resolve", "post"),
    "kiosks": Route("attendance:kiosks"),
    "kiosk_device_start": Route("attendance:kiosk_start", "post", (("name", "Front desk"),)),
    "kiosk_revoke": Route("attendance:kiosk_revoke", "post"),
    "attendance_policy": Route("attendance:policy"),
    "attendance_policy_deactivate": Route("attendance:policy_deactivate", "post"),
    "notes_unsigned": Route("clinical_notes:unsigned"),
    "note_group_start": Route("clinical_notes:group_start"),
    "note_session_start": Route("clinical_notes:session_start"),
    "notes_chart": Route("clinical_notes:chart"),
    "note_chart_start": Route("clinical_notes:chart_start"),
    "note": Route("clinical_notes:note"),
    "note_save": Route("clinical_notes:save", "post"),
    "note_cosign": Route("clinical_notes:cosign", "post"),
    "note_addendum_add": Route("clinical_notes:addendum_add", "post"),
    "note_enter_in_error": Route("clinical_notes:enter_in_error", "post"),
    "plan_chart": Route("treatment_plans:chart"),
    "plans_due": Route("treatment_plans:due"),
    "plan_create": Route("treatment_plans:create", "post"),
    "plan_activate": Route("treatment_plans:activate", "post"),
    "plan_review_add": Route("treatment_plans:review_add", "post"),
    "plan_problem_add": Route("treatment_plans:problem_add", "post"),
    "plan_problem_edit": Route("treatment_plans:problem_edit", "post"),
    "plan_goal_add": Route("treatment_plans:goal_add", "post"),
    "plan_goal_edit": Route("treatment_plans:goal_edit", "post"),
    "plan_objective_add": Route("treatment_plans:objective_add", "post"),
    "plan_objective_edit": Route("treatment_plans:objective_edit", "post"),
    "plan_objective_status": Route("treatment_plans:objective_status", "post"),
    "plan_intervention_add": Route("treatment_plans:intervention_add", "post"),
    "plan_intervention_edit": Route("treatment_plans:intervention_edit", "post"),
    "safety_plan_chart": Route("safety_plans:chart"),
    "safety_plan_edit": Route("safety_plans:edit"),
    "safety_plan_version": Route("safety_plans:version"),
    "safety_plan_pdf": Route("safety_plans:pdf"),
    "safety_plan_save": Route("safety_plans:save", "post"),
    "portal_access_list": Route("portal:access_list"),
    "portal_access_create": Route("portal:access_create", "post"),
    "portal_access_revoke": Route("portal:access_revoke", "post"),
}

# The checked-in policy: who gets what. Any change here must be reviewed.
READERS = set(PROGRAM_ROLES)
ADMINISTER = READERS - {R.BILLING_SPECIALIST}
ACKNOWLEDGE = {R.PROGRAM_DIRECTOR, R.THERAPIST, R.PRESCRIBER}
OUTCOMES = {R.PROGRAM_DIRECTOR, R.BILLING_SPECIALIST}
INSURANCE = {R.PROGRAM_DIRECTOR, R.INTAKE_COORDINATOR, R.CASE_MANAGER, R.BILLING_SPECIALIST}
FEES = {R.PROGRAM_DIRECTOR, R.INTAKE_COORDINATOR, R.BILLING_SPECIALIST}
ADMISSIONS = READERS - {R.GROUP_FACILITATOR}
ASSESS = {R.PROGRAM_DIRECTOR, R.INTAKE_COORDINATOR, R.THERAPIST, R.PRESCRIBER}
ADMIT = {R.PROGRAM_DIRECTOR, R.INTAKE_COORDINATOR}
REFERRALS = {R.PROGRAM_DIRECTOR, R.INTAKE_COORDINATOR, R.CASE_MANAGER}
DAILY = {R.PROGRAM_DIRECTOR, R.THERAPIST, R.GROUP_FACILITATOR, R.PRESCRIBER}
MEETING = DAILY | {R.CASE_MANAGER}
PLANS = {R.PROGRAM_DIRECTOR, R.THERAPIST}
SAFETY = PLANS | {R.PRESCRIBER}
EXPECTED: dict[str, dict[object, int]] = {
    "dashboard": {r: 200 for r in READERS},
    "patient_list": {r: 200 for r in READERS},
    "patient_register": {R.PROGRAM_DIRECTOR: 200, R.INTAKE_COORDINATOR: 200},
    "chart": {r: 200 for r in READERS},
    "contacts": {r: 200 for r in READERS},
    "contact_add": {R.PROGRAM_DIRECTOR: 302, R.INTAKE_COORDINATOR: 302, R.CASE_MANAGER: 302},
    "waitlist": {R.PROGRAM_DIRECTOR: 302, R.INTAKE_COORDINATOR: 302},
    "care_team": {R.PROGRAM_DIRECTOR: 302, R.CASE_MANAGER: 302},
    "measures_chart": {r: 200 for r in READERS},
    "measures_fhir": {r: 200 for r in READERS},
    # Nothing is due for a referred patient: the page explains it and sends the user back.
    "link_create": {r: 302 for r in ADMINISTER},
    "kiosk_start": {r: 302 for r in ADMINISTER},
    "paper": {r: 200 for r in ADMINISTER},
    "alert_acknowledge": {r: 404 for r in ACKNOWLEDGE},  # no such alert
    "measures_due": {r: 200 for r in READERS},
    "outcomes": {r: 200 for r in OUTCOMES},
    "outcomes_csv": {r: 200 for r in OUTCOMES},
    "outcomes_pdf": {r: 200 for r in OUTCOMES},
    # The API answers in JSON: 401 without a staff session, and the patient is simply not
    # found outside one's programs (auditors and admins reach no chart).
    "api_instruments": {r: 200 for r in ALL},
    "api_scores": {**{r: 200 for r in READERS}, OrgRole.AUDITOR: 404, OrgRole.SYSTEM_ADMIN: 404},
    "api_fhir": {**{r: 200 for r in READERS}, OrgRole.AUDITOR: 404, OrgRole.SYSTEM_ADMIN: 404},
    "audit_report": {OrgRole.AUDITOR: 200},
    "audit_export": {OrgRole.AUDITOR: 200},
    "admin": {OrgRole.SYSTEM_ADMIN: 200},
    # Calendars: every program role sees the schedule; a new feed's URL is shown once (200),
    # turning a feed off goes back to the calendar (302, also when there is none).
    "program_week": {r: 200 for r in READERS},
    "clinician_week": {r: 200 for r in READERS},
    "own_feed_create": {r: 200 for r in READERS},
    "own_feed_revoke": {r: 302 for r in READERS},
    "patient_week": {r: 200 for r in READERS},
    "patient_feed_create": {r: 200 for r in READERS},
    "patient_feed_revoke": {r: 302 for r in READERS},
    # Scheduling: every program role reads its program's schedule and cohorts (the start page
    # sends a one-program user straight to it); only directors plan. There is no plan 1 and
    # no staff member 999999 here; a re-plan without an approved week explains and goes back.
    "schedule_home": {r: 302 for r in READERS},
    "schedule_program": {r: 200 for r in READERS},
    "schedule_plan_next_week": {R.PROGRAM_DIRECTOR: 302},
    "schedule_replan": {R.PROGRAM_DIRECTOR: 302},
    "schedule_plan": {R.PROGRAM_DIRECTOR: 404},
    "schedule_plan_progress": {R.PROGRAM_DIRECTOR: 404},
    "schedule_plan_approve": {R.PROGRAM_DIRECTOR: 404},
    "schedule_plan_discard": {R.PROGRAM_DIRECTOR: 404},
    "schedule_cohorts": {r: 200 for r in READERS},
    "schedule_inputs": {R.PROGRAM_DIRECTOR: 200},
    "schedule_staff_availability": {R.PROGRAM_DIRECTOR: 404},
    "schedule_session_create": {R.PROGRAM_DIRECTOR: 200},
    "schedule_patient_inputs": {R.PROGRAM_DIRECTOR: 200},
    # Insurance and fees: every program role reads the tab and the alerts; an empty form is
    # a 400, and there is no coverage, authorization or plan 1 (404).
    "insurance_chart": {r: 200 for r in READERS},
    "insurance_estimate": {r: 200 for r in READERS},
    "authorization_alerts": {r: 200 for r in READERS},
    "coverage_add": {r: 400 for r in INSURANCE},
    "coverage_update": {r: 404 for r in INSURANCE},
    "coverage_end": {r: 404 for r in INSURANCE},
    "benefits_verify": {r: 404 for r in INSURANCE},
    "authorization_request": {r: 400 for r in INSURANCE},
    "authorization_approve": {r: 404 for r in INSURANCE},
    "authorization_deny": {r: 404 for r in INSURANCE},
    "fee_determine": {r: 400 for r in FEES},
    "payment_plan_create": {r: 400 for r in FEES},
    "payment_plan_cancel": {r: 404 for r in FEES},
    "installment_paid": {r: 404 for r in FEES},
    "fees_home": {r: 302 for r in FEES},
    "fee_settings": {r: 200 for r in FEES},
    "charges_set": {r: 302 for r in FEES},
    "scale_set": {r: 400 for r in FEES},
    # The front door: there is no referral 999999 (404 for those who may act); offering a
    # seat in a track without managed capacity explains and goes back to the board.
    "admissions_board": {r: 200 for r in ADMISSIONS},
    "referral_new": {r: 200 for r in REFERRALS},
    "referral_import": {r: 200 for r in REFERRALS},
    "referral_import_rejected": {r: 400 for r in REFERRALS},
    "referral": {r: 404 for r in ADMISSIONS},
    "referral_advance": {r: 404 for r in REFERRALS},
    "referral_close": {r: 404 for r in REFERRALS},
    "waitlist_add": {r: 404 for r in REFERRALS},
    "waitlist_decline": {r: 404 for r in REFERRALS},
    "waitlist_remove": {r: 404 for r in REFERRALS},
    "waitlist_offer": {r: 302 for r in REFERRALS},
    "intake_assessment": {r: 404 for r in ASSESS},
    "intake_placement": {r: 404 for r in ASSESS},
    "intake_admit": {r: 404 for r in ADMIT},
    "welcome_packet": {r: 404 for r in READERS},
    # Daily operations. Only directors see the flag lists; payer minimums are program
    # configuration. There is no medication, watch, meeting, item or task 1/999999 here.
    "weekly_hours": {r: 200 for r in READERS},
    "dashboard_flag": {**{r: 404 for r in READERS}, R.PROGRAM_DIRECTOR: 200},
    "payer_minimums": {R.PROGRAM_DIRECTOR: 200},
    "payer_minimum_set": {R.PROGRAM_DIRECTOR: 400},
    "payer_minimum_remove": {R.PROGRAM_DIRECTOR: 404},
    "medications_chart": {r: 200 for r in READERS},
    "medication_start": {R.PRESCRIBER: 400},
    "medication_change": {R.PRESCRIBER: 404},
    "medication_stop": {R.PRESCRIBER: 404},
    "drug_screen_record": {r: 400 for r in ACKNOWLEDGE},
    "medication_watches": {r: 200 for r in READERS},
    "medication_watch_seen": {r: 404 for r in READERS},
    "meetings": {r: 200 for r in MEETING},
    "meeting_tasks": {r: 200 for r in MEETING},
    "meeting_open": {r: 302 for r in MEETING},
    "meeting_workspace": {r: 404 for r in MEETING},
    "meeting_print": {r: 404 for r in MEETING},
    "meeting_print_pdf": {r: 404 for r in MEETING},
    "meeting_rebuild": {r: 404 for r in MEETING},
    "meeting_close": {r: 404 for r in MEETING},
    "meeting_item_add": {r: 404 for r in MEETING},
    "meeting_discussion": {r: 404 for r in MEETING},
    "meeting_discussed": {r: 404 for r in MEETING},
    "meeting_decision_add": {r: 404 for r in MEETING},
    "meeting_task_add": {r: 404 for r in MEETING},
    "meeting_task_done": {r: 404 for r in MEETING},
    "care_decisions_chart": {r: 200 for r in READERS},
    # There is no session, record, review, kiosk or policy 999999 here.
    "attendance_roster": {r: 404 for r in DAILY},
    "attendance_mark": {r: 404 for r in DAILY},
    "attendance_correct": {r: 404 for r in DAILY},
    "attendance_chart": {r: 200 for r in READERS},
    "attendance_review_resolve": {r: 404 for r in DAILY},
    "kiosks": {r: 200 for r in DAILY},
    "kiosk_device_start": {r: 302 for r in DAILY},
    "kiosk_revoke": {r: 404 for r in DAILY},
    "attendance_policy": {R.PROGRAM_DIRECTOR: 200},
    "attendance_policy_deactivate": {R.PROGRAM_DIRECTOR: 404},
    # There is no note 999999 here.
    "notes_unsigned": {r: 200 for r in DAILY},
    "note_group_start": {r: 404 for r in DAILY},
    "note_session_start": {r: 404 for r in DAILY},
    "notes_chart": {r: 200 for r in READERS},
    "note_chart_start": {r: 200 for r in DAILY},
    "note": {r: 404 for r in READERS},
    "note_save": {r: 404 for r in DAILY},
    "note_cosign": {r: 404 for r in DAILY},
    "note_addendum_add": {r: 404 for r in DAILY},
    "note_enter_in_error": {r: 404 for r in DAILY},
    # Plans: a referred episode has no plan to start yet (message and redirect); there is no
    # problem, goal, objective, intervention, safety-plan version or portal link 1 here.
    # Portal links need plan or safety-plan rights in the program, else the patient is not
    # found (one decorator cannot name either capability).
    "plan_chart": {r: 200 for r in READERS},
    "plans_due": {r: 200 for r in PLANS},
    "plan_create": {r: 302 for r in PLANS},
    "plan_activate": {r: 404 for r in PLANS},
    "plan_review_add": {r: 404 for r in PLANS},
    "plan_problem_add": {r: 404 for r in PLANS},
    "plan_problem_edit": {r: 404 for r in PLANS},
    "plan_goal_add": {r: 404 for r in PLANS},
    "plan_goal_edit": {r: 404 for r in PLANS},
    "plan_objective_add": {r: 404 for r in PLANS},
    "plan_objective_edit": {r: 404 for r in PLANS},
    "plan_objective_status": {r: 404 for r in PLANS},
    "plan_intervention_add": {r: 404 for r in PLANS},
    "plan_intervention_edit": {r: 404 for r in PLANS},
    "safety_plan_chart": {r: 200 for r in READERS},
    "safety_plan_edit": {r: 200 for r in SAFETY},
    "safety_plan_version": {r: 404 for r in READERS},
    "safety_plan_pdf": {r: 404 for r in READERS},
    "safety_plan_save": {r: 400 for r in SAFETY},
    "portal_access_list": {**{r: 404 for r in READERS}, **{r: 200 for r in SAFETY}},
    "portal_access_create": {**{r: 404 for r in READERS}, **{r: 200 for r in SAFETY}},
    "portal_access_revoke": {r: 404 for r in READERS},
}


def _user_for(role, program):
    if isinstance(role, ProgramRole):
        return staff(role, program)
    return staff(org_role=role)


# Values for the URL parameters other than the patient's.
PARAMS: dict[str, object] = {
    "transition": "admit",
    "seat": "primary_therapist",
    "alert_id": 1,
    "instrument": "phq9",
    "timepoint": "intake",
    "due_on": "2026-01-05",
    "plan_id": 1,
    "user_id": 999999,
    "coverage_id": 1,
    "authorization_id": 1,
    "payment_plan_id": 1,
    "installment_id": 1,
    "referral_id": 999999,
    "flag": "safety-alerts",
    "minimum_id": 1,
    "medication_id": 1,
    "watch_id": 1,
    "meeting_id": 999999,
    "item_id": 999999,
    "task_id": 999999,
    "session_id": 999999,
    "attendance_id": 999999,
    "review_id": 999999,
    "kiosk_id": 999999,
    "policy_id": 999999,
    "note_id": 999999,
    "kind": "individual_dap",
    "problem_id": 1,
    "goal_id": 1,
    "objective_id": 1,
    "intervention_id": 1,
    "version": 1,
    "access_id": 1,
}


def _url(route: Route, p: Patient, episode: EpisodeOfCare) -> str:
    kwargs: dict[str, object] = {}
    pattern = next(pt for _r, ns, pt in iter_url_views() if f"{ns}:{pt.name}" == route.name)
    params = set(pattern.pattern.converters)
    if "patient_id" in params:
        kwargs["patient_id"] = p.pk
    if "episode_id" in params:
        kwargs["episode_id"] = episode.pk
    if "program_id" in params:
        kwargs["program_id"] = episode.program_id
    kwargs.update({k: v for k, v in PARAMS.items() if k in params})
    if "track_id" in params:
        kwargs["track_id"] = episode.program.tracks.get().pk
    if route.name == "patients:episode_transition":
        kwargs["transition"] = "waitlist"
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
        "measures:portal",  # public: the token is the credential (tests/measures/test_portal.py)
        "calendars:feed",  # public: the token is the credential (tests/calendars/test_feeds.py)
        "attendance:kiosk",  # public: the device cookie is the credential (test_views_kiosk.py)
        "portal:home",  # public: the token is the credential (tests/portal/test_views.py)
        "portal:plan",
        "portal:safety_plan",
        "portal:safety_plan_pdf",
        "api:response_submit",  # a JSON POST with an Idempotency-Key (tests/measures/test_api.py)
        "api:openapi-json",  # the schema names operations, not data
        "api:api-root",  # ninja's index of the API, same as the schema
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
        if route.name.startswith("api:"):
            assert response.status_code == 401, url
            continue
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
        if f"{namespace}:{pattern.name}" == "api:response_submit":
            continue  # JSON body; its isolation is tested in tests/measures/test_api.py
        kwargs: dict[str, object] = {"patient_id": p.pk}
        if "episode_id" in params:
            kwargs["episode_id"] = episode.pk
        kwargs.update({k: v for k, v in PARAMS.items() if k in params})
        url = reverse(f"{namespace}:{pattern.name}", kwargs=kwargs)
        writes = ("/episodes/" in url and "/paper/" not in url) or url.endswith(
            ("/add/", "/acknowledge/")
        )
        urls.append((url, "post" if writes else "get"))
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
    director_can = PROGRAM_ROLE_CAPABILITIES[R.PROGRAM_DIRECTOR]
    for url, method in _patient_urls(outsider_patient, episode):
        response = getattr(client, method)(
            url, {"name": "x", "relationship": "y", "track": "", "primary_therapist-member": ""}
        )
        # A capability a director holds nowhere (prescribing) is refused before any lookup.
        policy = policy_of(resolve(url).func)
        needed = policy.capability if policy else None
        refused_first = needed is not None and needed not in director_can
        assert response.status_code == (403 if refused_first else 404), url
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
