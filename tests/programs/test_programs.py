import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from openiop.accounts.roles import OrgRole
from openiop.programs import services
from openiop.programs.models import LevelOfCare, Program
from tests.factories import login, program_setup, staff

pytestmark = pytest.mark.django_db


def _site():
    org = services.organization_create(name="Org")
    return services.site_create(organization=org, name="Main")


@pytest.mark.parametrize(
    ("tz", "message"), [("", "needs a time zone"), ("Mars/Olympus", "not an IANA time zone")]
)
def test_a_program_without_a_valid_time_zone_is_refused(tz, message):
    with pytest.raises(ValidationError, match=message):
        services.program_create(
            site=_site(), name="IOP", level_of_care=LevelOfCare.IOP, time_zone=tz
        )
    assert not Program.objects.exists()


def test_the_database_also_refuses_a_program_without_a_time_zone():
    site = _site()
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.create(
            site=site,
            name="IOP",
            level_of_care="iop",
            time_zone="",
            min_weekly_hours=9,
            max_weekly_hours=19,
        )


def test_default_hour_bands_follow_the_level_of_care():
    site = _site()
    iop = services.program_create(
        site=site, name="IOP", level_of_care=LevelOfCare.IOP, time_zone="America/Chicago"
    )
    php = services.program_create(
        site=site, name="PHP", level_of_care=LevelOfCare.PHP, time_zone="America/Chicago"
    )
    assert (iop.min_weekly_hours, iop.max_weekly_hours) == (Decimal(9), Decimal(19))
    assert php.min_weekly_hours == Decimal(20)


def test_hour_band_must_be_ordered():
    with pytest.raises(ValidationError, match="maximum"):
        services.program_create(
            site=_site(),
            name="IOP",
            level_of_care=LevelOfCare.IOP,
            time_zone="America/Chicago",
            hour_band=(Decimal(19), Decimal(9)),
        )


@pytest.mark.parametrize("weekdays", [[], [7], [1, 1], ["mon"], [True]])
def test_track_days_are_validated(weekdays):
    ps = program_setup()
    with pytest.raises(ValidationError):
        services.track_create(
            program=ps.program,
            name="Bad",
            weekdays=weekdays,
            starts_at=dt.time(9),
            ends_at=dt.time(12),
        )


def test_track_must_end_after_it_starts():
    ps = program_setup()
    with pytest.raises(ValidationError):
        services.track_create(
            program=ps.program, name="Bad", weekdays=[0], starts_at=dt.time(12), ends_at=dt.time(9)
        )


def test_admin_form_shows_a_clear_error_for_a_missing_time_zone(client):
    site = _site()
    login(client, staff(org_role=OrgRole.SYSTEM_ADMIN))
    response = client.post(
        reverse("admin:programs_program_add"),
        {
            "site": site.pk,
            "name": "IOP",
            "level_of_care": "iop",
            "time_zone": "",
            "min_weekly_hours": "9",
            "max_weekly_hours": "19",
            "tracks-TOTAL_FORMS": "0",
            "tracks-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Program.objects.exists()
