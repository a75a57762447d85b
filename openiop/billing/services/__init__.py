"""Writes of the billing context, by concept: coverages, benefits verifications,
pre-authorizations, fees (program charges, sliding scale, determinations) and payment plans.
Each service validates, writes and audits in one transaction. Import from here."""

from openiop.billing.services.authorizations import (
    Span,
    authorization_approve,
    authorization_deny,
    authorization_request,
)
from openiop.billing.services.coverages import (
    PlanDetails,
    coverage_add,
    coverage_end,
    coverage_update_benefits,
)
from openiop.billing.services.fees import (
    ChargeInput,
    HouseholdReport,
    fee_determine,
    fee_scale_set,
    program_charges_set,
)
from openiop.billing.services.plans import (
    PlanTerms,
    installment_record_paid,
    payment_plan_cancel,
    payment_plan_create,
)
from openiop.billing.services.verifications import CallRecord, benefits_verify

__all__ = [
    "CallRecord",
    "ChargeInput",
    "HouseholdReport",
    "PlanDetails",
    "PlanTerms",
    "Span",
    "authorization_approve",
    "authorization_deny",
    "authorization_request",
    "benefits_verify",
    "coverage_add",
    "coverage_end",
    "coverage_update_benefits",
    "fee_determine",
    "fee_scale_set",
    "installment_record_paid",
    "payment_plan_cancel",
    "payment_plan_create",
    "program_charges_set",
]
