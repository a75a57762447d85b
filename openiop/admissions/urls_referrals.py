"""The pipeline board, referrals, their CSV import and the waitlist, under /admissions/.
No names or other PHI in any path: people are reached by referral id only."""

from django.urls import URLPattern, path

from openiop.admissions import views_referrals as views

urlpatterns: list[URLPattern] = [
    path("", views.board, name="board"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/import/", views.referral_import, name="referral_import"),
    path(
        "referrals/import/rejected/",
        views.referral_import_rejected,
        name="referral_import_rejected",
    ),
    path("referrals/<int:referral_id>/", views.referral_view, name="referral"),
    path("referrals/<int:referral_id>/advance/", views.referral_advance, name="referral_advance"),
    path("referrals/<int:referral_id>/close/", views.referral_close, name="referral_close"),
    path("referrals/<int:referral_id>/waitlist/", views.waitlist_add, name="waitlist_add"),
    path(
        "referrals/<int:referral_id>/waitlist/decline/",
        views.waitlist_decline,
        name="waitlist_decline",
    ),
    path(
        "referrals/<int:referral_id>/waitlist/remove/",
        views.waitlist_remove,
        name="waitlist_remove",
    ),
    path("tracks/<int:track_id>/offer/", views.waitlist_offer, name="waitlist_offer"),
]
