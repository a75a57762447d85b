"""Helpers for the attendance page tests."""

from __future__ import annotations

import uuid

from django.urls import reverse

from tests.factories import login


def key() -> str:
    return str(uuid.uuid4())


def roster_url(session) -> str:
    return reverse("attendance:roster", kwargs={"session_id": session.pk})


def mark_url(session, episode) -> str:
    return reverse("attendance:mark", kwargs={"session_id": session.pk, "episode_id": episode.pk})


def correct_url(attendance) -> str:
    return reverse(
        "attendance:correct",
        kwargs={"session_id": attendance.session_id, "attendance_id": attendance.pk},
    )


def signed_in(client, user):
    login(client, user)
    return client
