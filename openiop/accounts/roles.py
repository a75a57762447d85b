"""Staff roles and what each may do (deny by default: a capability not listed is refused).

Program roles are held per program through a Membership; organization roles (auditor,
system admin) through ``User.org_role``. Neither organization role reaches patient charts:
an auditor reads the audit trail, a system admin configures the organization (minimum
necessary, 45 CFR 164.502(b)).
"""

from __future__ import annotations

from django.db import models

from openiop.core.capabilities import Capability


class ProgramRole(models.TextChoices):
    PROGRAM_DIRECTOR = "program_director", "Program director"
    INTAKE_COORDINATOR = "intake_coordinator", "Intake coordinator"
    THERAPIST = "therapist", "Therapist"
    GROUP_FACILITATOR = "group_facilitator", "Group facilitator"
    PRESCRIBER = "prescriber", "Prescriber"
    CASE_MANAGER = "case_manager", "Case manager"
    BILLING_SPECIALIST = "billing_specialist", "Billing specialist"


class OrgRole(models.TextChoices):
    NONE = "", "None"
    AUDITOR = "auditor", "Auditor"
    SYSTEM_ADMIN = "system_admin", "System admin"


class Principal(models.TextChoices):
    STAFF = "staff", "Staff"
    PATIENT = "patient", "Patient (portal)"


class Competency(models.TextChoices):
    EMDR = "emdr", "EMDR"
    DBT = "dbt", "DBT"
    FAMILY = "family", "Family therapy"
    GROUP = "group", "Group facilitation"
    PRESCRIBER = "prescriber", "Prescribing"


_CLINICAL_READ = {Capability.VIEW_DASHBOARD, Capability.VIEW_PATIENTS, Capability.VIEW_SCHEDULE}
# Clinicians who can respond to a positive suicide-risk item close its alert.
_CLINICIAN = {Capability.ADMINISTER_MEASURES, Capability.ACKNOWLEDGE_ALERTS}
# Daily clinical work: checking patients in, writing notes, and the weekly team meeting.
_DAILY = {Capability.RECORD_ATTENDANCE, Capability.WRITE_NOTES, Capability.CARE_MEETING}
# Those who hold the treatment plan and the safety plan with the patient.
_PLANS = {
    Capability.MANAGE_TREATMENT_PLAN,
    Capability.MANAGE_SAFETY_PLAN,
    Capability.RECORD_DRUG_SCREENS,
}
# The front door: referrals through admission, insurance and fees. The level-of-care decision
# itself is clinical and is granted separately.
_FRONT_DOOR = {
    Capability.VIEW_ADMISSIONS,
    Capability.MANAGE_REFERRALS,
    Capability.ASSESS_INTAKE,
    Capability.ADMIT_PATIENT,
    Capability.MANAGE_INSURANCE,
    Capability.MANAGE_FEES,
}

PROGRAM_ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    ProgramRole.PROGRAM_DIRECTOR: frozenset(
        _CLINICAL_READ
        | _CLINICIAN
        | {
            Capability.REGISTER_PATIENT,
            Capability.EDIT_PATIENT,
            Capability.MANAGE_EPISODES,
            Capability.ASSIGN_CARE_TEAM,
            Capability.VIEW_OUTCOMES,
            # Plans the week and approves it: staffing and rooms are the director's call.
            Capability.PLAN_SCHEDULE,
            # Attendance policy, plan-review interval, payer hour minimums.
            Capability.CONFIGURE_PROGRAM,
        }
        | _FRONT_DOOR
        | {Capability.DECIDE_LEVEL_OF_CARE}
        | _DAILY
        | _PLANS
    ),
    ProgramRole.INTAKE_COORDINATOR: frozenset(
        _CLINICAL_READ
        | {
            Capability.REGISTER_PATIENT,
            Capability.EDIT_PATIENT,
            Capability.MANAGE_EPISODES,
            Capability.ADMINISTER_MEASURES,
            # Intake coordinators in IOPs are usually licensed intake clinicians who make
            # the level-of-care determination they assessed for.
            Capability.DECIDE_LEVEL_OF_CARE,
        }
        | _FRONT_DOOR
    ),
    # Therapists assess at intake and make the level-of-care decision; they read the board.
    ProgramRole.THERAPIST: frozenset(
        _CLINICAL_READ
        | _CLINICIAN
        | {
            Capability.VIEW_ADMISSIONS,
            Capability.ASSESS_INTAKE,
            Capability.DECIDE_LEVEL_OF_CARE,
        }
        | _DAILY
        | _PLANS
    ),
    # Facilitators check their groups in, write group notes and sit in the team meeting.
    ProgramRole.GROUP_FACILITATOR: frozenset(
        _CLINICAL_READ | {Capability.ADMINISTER_MEASURES} | _DAILY
    ),
    # Prescribers keep the medication list; they also review screens and safety plans.
    ProgramRole.PRESCRIBER: frozenset(
        _CLINICAL_READ
        | _CLINICIAN
        | {Capability.VIEW_ADMISSIONS, Capability.ASSESS_INTAKE, Capability.DECIDE_LEVEL_OF_CARE}
        | _DAILY
        | {
            Capability.MANAGE_MEDICATIONS,
            Capability.MANAGE_SAFETY_PLAN,
            Capability.RECORD_DRUG_SCREENS,
        }
    ),
    # Case managers work referrals and benefits; they do not admit or set fees.
    ProgramRole.CASE_MANAGER: frozenset(
        _CLINICAL_READ
        | {
            Capability.EDIT_PATIENT,
            Capability.ASSIGN_CARE_TEAM,
            Capability.ADMINISTER_MEASURES,
            Capability.VIEW_ADMISSIONS,
            Capability.MANAGE_REFERRALS,
            Capability.MANAGE_INSURANCE,
            # Case managers sit in the weekly team meeting and own tasks from it.
            Capability.CARE_MEETING,
        }
    ),
    # Payers tie authorization renewals to outcomes; billing reads the aggregate report,
    # verifies benefits, requests authorizations and sets fees.
    ProgramRole.BILLING_SPECIALIST: frozenset(
        _CLINICAL_READ
        | {
            Capability.VIEW_OUTCOMES,
            Capability.VIEW_ADMISSIONS,
            Capability.MANAGE_INSURANCE,
            Capability.MANAGE_FEES,
        }
    ),
}

ORG_ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    OrgRole.NONE: frozenset(),
    OrgRole.AUDITOR: frozenset({Capability.VIEW_AUDIT_LOG}),
    OrgRole.SYSTEM_ADMIN: frozenset({Capability.CONFIGURE_SYSTEM}),
}

# Which program role may fill which care-team seat.
CARE_TEAM_SEATS: dict[str, frozenset[str]] = {
    "primary_therapist": frozenset({ProgramRole.THERAPIST, ProgramRole.PROGRAM_DIRECTOR}),
    "prescriber": frozenset({ProgramRole.PRESCRIBER}),
    "case_manager": frozenset({ProgramRole.CASE_MANAGER}),
}
