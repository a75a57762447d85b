"""Safety-plan sections as a clinician would write them."""

from __future__ import annotations

from typing import Any

from openiop.accounts.models import User
from openiop.patients.models import EpisodeOfCare
from openiop.safety_plans import services
from openiop.safety_plans.models import SafetyPlan
from tests.factories import SYSTEM


def sections(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "warning_signs": ["Not sleeping", "Pulling away from friends"],
        "coping_strategies": ["Walk the dog", "Cold water on my face"],
        "distraction_people_places": ["The library"],
        "help_contacts": [{"name": "Sister Ana", "phone": "(312) 555-0142", "availability": ""}],
        "professional_contacts": [
            {"name": "988 Suicide & Crisis Lifeline", "phone": "988", "availability": "Any time"}
        ],
        "environment_safety": ["Medications kept by my sister"],
    }
    return base | changes


def saved(episode: EpisodeOfCare, by: User, note: str = "", **changes: Any) -> SafetyPlan:
    return services.safety_plan_save(
        actor=SYSTEM, episode=episode, by=by, sections=sections(**changes), change_note=note
    )
