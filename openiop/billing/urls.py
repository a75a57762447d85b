from django.urls import path

from openiop.billing import views, views_fees, views_hours, views_insurance

app_name = "billing"

_episode = "patients/<int:patient_id>/episodes/<int:episode_id>/insurance/"
_coverage = f"{_episode}coverages/<int:coverage_id>/"
_authorization = f"{_episode}authorizations/<int:authorization_id>/"
_plan = f"{_episode}payment-plans/<int:payment_plan_id>/"
_program = "billing/programs/<int:program_id>/fees/"

urlpatterns = [
    path("patients/<int:patient_id>/insurance/", views.insurance_chart, name="chart"),
    path(
        "patients/<int:patient_id>/insurance/<int:episode_id>/estimate/",
        views.estimate,
        name="estimate",
    ),
    path("billing/authorizations/", views.alerts, name="authorization_alerts"),
    path(f"{_episode}coverages/add/", views_insurance.coverage_add, name="coverage_add"),
    path(f"{_coverage}benefits/", views_insurance.coverage_update, name="coverage_update"),
    path(f"{_coverage}end/", views_insurance.coverage_end, name="coverage_end"),
    path(f"{_coverage}verify/", views_insurance.benefits_verify, name="benefits_verify"),
    path(
        f"{_episode}authorizations/request/",
        views_insurance.authorization_request,
        name="authorization_request",
    ),
    path(
        f"{_authorization}approve/",
        views_insurance.authorization_approve,
        name="authorization_approve",
    ),
    path(f"{_authorization}deny/", views_insurance.authorization_deny, name="authorization_deny"),
    path(f"{_episode}fees/determine/", views_fees.fee_determine, name="fee_determine"),
    path(
        f"{_episode}payment-plans/add/", views_fees.payment_plan_create, name="payment_plan_create"
    ),
    path(f"{_plan}cancel/", views_fees.payment_plan_cancel, name="payment_plan_cancel"),
    path(
        f"{_plan}installments/<int:installment_id>/paid/",
        views_fees.installment_paid,
        name="installment_paid",
    ),
    path("billing/fees/", views_fees.fees_home, name="fees_home"),
    path(_program, views_fees.fee_settings, name="fee_settings"),
    path(f"{_program}charges/", views_fees.charges_set, name="charges_set"),
    path(f"{_program}scale/", views_fees.scale_set, name="scale_set"),
]

# Payer weekly-hours minimums (daily operations).
urlpatterns += [
    path(
        "billing/programs/<int:program_id>/hour-minimums/",
        views_hours.payer_minimums,
        name="payer_minimums",
    ),
    path(
        "billing/programs/<int:program_id>/hour-minimums/<int:minimum_id>/remove/",
        views_hours.payer_minimum_delete,
        name="payer_minimum_remove",
    ),
]
