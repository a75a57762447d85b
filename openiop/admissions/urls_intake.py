"""URLs of a referral's intake pages (views_intake), under /admissions/."""

from django.urls import URLPattern, path

from openiop.admissions import views_intake

_referral = "referrals/<int:referral_id>/"

urlpatterns: list[URLPattern] = [
    path(f"{_referral}assessment/", views_intake.assessment_edit, name="assessment"),
    path(f"{_referral}placement/", views_intake.placement, name="placement"),
    path(f"{_referral}admit/", views_intake.admit, name="admit"),
    path(f"{_referral}welcome-packet.pdf", views_intake.welcome_packet, name="welcome_packet"),
]
