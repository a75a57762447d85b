"""Give every episode already placed in a cohort its current CohortMembership (data only)."""

from typing import Any

from django.db import migrations


def backfill(apps: Any, schema_editor: Any) -> None:
    episode_model = apps.get_model("patients", "EpisodeOfCare")
    membership_model = apps.get_model("patients", "CohortMembership")
    placed = episode_model.objects.filter(cohort__isnull=False).exclude(
        cohort_memberships__isnull=False
    )
    membership_model.objects.bulk_create(
        membership_model(
            episode_id=e.pk,
            cohort_id=e.cohort_id,
            joined_on=e.admitted_on or e.referred_on,
            left_on=e.discharged_on if e.state == "discharged" else None,
        )
        for e in placed
    )


def unfill(apps: Any, schema_editor: Any) -> None:
    apps.get_model("patients", "CohortMembership").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("patients", "0003_cohort_membership")]

    operations = [migrations.RunPython(backfill, unfill)]
