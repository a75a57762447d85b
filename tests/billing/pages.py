"""Helpers for the billing page tests: URLs, prefixed form data, a valid coverage form."""

from __future__ import annotations

from django.urls import reverse


def chart(client, s, **params):
    url = reverse("billing:chart", kwargs={"patient_id": s.patient.pk})
    return client.get(url, params)


def episode_url(name, s, **kwargs):
    return reverse(
        f"billing:{name}", kwargs={"patient_id": s.patient.pk, "episode_id": s.episode.pk, **kwargs}
    )


def prefixed(prefix, data):
    return {f"{prefix}-{k}": v for k, v in data.items()}


COVERAGE = {
    "order": "primary",
    "payer_name": "Prairie Health",
    "member_id": "PH1",
    "subscriber_name": "Sam",
    "subscriber_relationship": "self",
    "effective_from": "2026-01-01",
    "effective_to": "2026-12-31",
    "in_network": "on",
    "requires_preauthorization": "on",
    "copay_per_day": "0",
    "coinsurance_percent": "20",
    "deductible": "1000",
    "deductible_met": "250",
    "out_of_pocket_max": "4000",
    "out_of_pocket_met": "250",
    "days_used": "0",
}


def estimate_url(s):
    return reverse(
        "billing:estimate", kwargs={"patient_id": s.patient.pk, "episode_id": s.episode.pk}
    )
