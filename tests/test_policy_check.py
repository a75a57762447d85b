"""The openiop.E001 check refuses a project in which a URL leads to a view without a policy."""

from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import path

from openiop.core.checks import every_view_declares_a_policy
from openiop.core.policy import public


def undeclared(request: HttpRequest) -> HttpResponse:
    return HttpResponse("open")


@public
def declared(request: HttpRequest) -> HttpResponse:
    return HttpResponse("fine")


urlpatterns = [path("open/", undeclared), path("fine/", declared)]


@override_settings(ROOT_URLCONF=__name__)
def test_a_view_without_a_policy_fails_the_system_check():
    errors = every_view_declares_a_policy(None)
    assert [(e.id, e.msg) for e in errors] == [
        ("openiop.E001", "The view behind 'open/' declares no access policy.")
    ]


def test_the_real_project_passes_the_check():
    assert every_view_declares_a_policy(None) == []
