"""The vocabulary of what a principal may do.

Capabilities are named here, in the lowest layer, so every context can declare what its
views need. Which role holds which capability is decided in ``openiop.accounts.roles``.
"""

from enum import StrEnum


class Capability(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_PATIENTS = "view_patients"
    REGISTER_PATIENT = "register_patient"
    EDIT_PATIENT = "edit_patient"
    MANAGE_EPISODES = "manage_episodes"
    ASSIGN_CARE_TEAM = "assign_care_team"
    ADMINISTER_MEASURES = "administer_measures"
    ACKNOWLEDGE_ALERTS = "acknowledge_alerts"
    VIEW_OUTCOMES = "view_outcomes"
    VIEW_SCHEDULE = "view_schedule"
    PLAN_SCHEDULE = "plan_schedule"
    VIEW_ADMISSIONS = "view_admissions"
    MANAGE_REFERRALS = "manage_referrals"
    ASSESS_INTAKE = "assess_intake"
    DECIDE_LEVEL_OF_CARE = "decide_level_of_care"
    ADMIT_PATIENT = "admit_patient"
    MANAGE_INSURANCE = "manage_insurance"
    MANAGE_FEES = "manage_fees"
    RECORD_ATTENDANCE = "record_attendance"
    WRITE_NOTES = "write_notes"
    MANAGE_TREATMENT_PLAN = "manage_treatment_plan"
    MANAGE_SAFETY_PLAN = "manage_safety_plan"
    MANAGE_MEDICATIONS = "manage_medications"
    RECORD_DRUG_SCREENS = "record_drug_screens"
    CARE_MEETING = "care_meeting"
    CONFIGURE_PROGRAM = "configure_program"
    VIEW_AUDIT_LOG = "view_audit_log"
    CONFIGURE_SYSTEM = "configure_system"
