import pytest
from django.test import RequestFactory
from django.urls import reverse

from openiop.core.views import server_error


def test_server_error_page_renders_without_touching_the_database():
    # No django_db mark: any query here would raise, as it would with the database down.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"<html" in response.content
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_health_is_public_and_says_nothing_about_patients(client):
    response = client.get(reverse("health"))
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_unknown_urls_get_the_calm_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"couldn" in response.content.lower()
