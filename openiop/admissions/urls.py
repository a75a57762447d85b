"""The front door's pages: the referral and pipeline pages and the intake and admission
pages, each area in its own module."""

from openiop.admissions import urls_intake, urls_referrals

app_name = "admissions"

urlpatterns = [*urls_referrals.urlpatterns, *urls_intake.urlpatterns]
